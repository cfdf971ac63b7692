package dev.slipway.testing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** One htpasswd line with a bcrypt hash, the only scheme the distribution registry accepts. */
public final class Htpasswd {
  private Htpasswd() {}

  public static String line(String user, String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return user
        + ":"
        + OpenBSDBCrypt.generate("2y", password.getBytes(StandardCharsets.UTF_8), salt, 5);
  }
}
