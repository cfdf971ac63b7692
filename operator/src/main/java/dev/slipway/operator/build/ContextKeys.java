package dev.slipway.operator.build;

import dev.slipway.api.control.v1.BuildContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key that names a build context for cache affinity: builds of the same context prefer the pod
 * that built it last, whose cache holds its files and layers. Builder pods report the keys of their
 * recent builds in {@code Info.recent_context_keys} and {@code BuildSummary.context_key}; they must
 * compute them the same way (sha256 of the canonical text below, hex).
 */
public final class ContextKeys {

  private ContextKeys() {}

  public static String of(BuildContext context, String clientAffinityKey) {
    String canonical =
        switch (context.getSourceCase()) {
          case GIT ->
              "git\n"
                  + context.getGit().getUrl()
                  + "\n"
                  + context.getGit().getRef()
                  + "\n"
                  + context.getGit().getSubdir();
          case HTTP -> "http\n" + context.getHttp().getUrl();
          case IMAGE ->
              "image\n" + context.getImage().getRef() + "\n" + context.getImage().getPath();
          case INLINE -> "inline\n" + inlineDigest(context.getInline().getFilesMap());
          case CLIENT -> "client\n" + (clientAffinityKey == null ? "" : clientAffinityKey);
          case SOURCE_NOT_SET -> "";
        };
    return sha256(canonical.getBytes(StandardCharsets.UTF_8));
  }

  private static String inlineDigest(Map<String, com.google.protobuf.ByteString> files) {
    MessageDigest digest = newDigest();
    new TreeMap<>(files)
        .forEach(
            (name, data) -> {
              digest.update(name.getBytes(StandardCharsets.UTF_8));
              digest.update((byte) 0);
              digest.update(data.asReadOnlyByteBuffer());
              digest.update((byte) 0);
            });
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
