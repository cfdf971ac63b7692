package dev.slipway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextKeyTest {
  @TempDir Path home;

  @Test
  void theSecretIsKeptPrivateAndStableAndKeysDependOnIt() throws Exception {
    Path file = home.resolve("config/slipway/context-key");
    byte[] first = ContextKey.secret(file);

    assertThat(ContextKey.secret(file)).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String key = ContextKey.of(first, "host:/src");
    assertThat(ContextKey.isKey(key)).isTrue();
    assertThat(key).isEqualTo(ContextKey.of(first, "host:/src"));
    assertThat(ContextKey.of(first, "host:/other")).isNotEqualTo(key);
    assertThat(ContextKey.of(new byte[32], "host:/src"))
        .as("another machine's secret names another copy")
        .isNotEqualTo(key);
  }

  @Test
  void withoutAPlaceToKeepItEachProcessGetsAFreshSecret() throws Exception {
    Path blocked = Files.writeString(home.resolve("not-a-dir"), "x");
    byte[] a = ContextKey.secret(blocked.resolve("context-key"));
    byte[] b = ContextKey.secret(blocked.resolve("context-key"));
    assertThat(a).hasSize(32).isNotEqualTo(b);
  }
}
