package dev.slipway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one busybox image of the tests: Debian's busybox-static in a single-layer OCI archive, the
 * image the conformance goldens were made with. Engine tests import {@link #ARCHIVE} or unpack its
 * layer as a root filesystem; tests that pull from a registry use {@link #IN_REGISTRY}, which
 * shared/conformance/setup.sh (run by .ci/setup) pushes from the same archive.
 */
public final class Busybox {
  /** Relative to the module directory, where Maven runs a module's tests. */
  public static final Path ARCHIVE = Path.of("../../shared/conformance/base/busybox-oci.tar");

  public static final String IN_REGISTRY = "127.0.0.1:5000/busybox:latest";

  public static final String MANIFEST =
      "sha256:f8fe94ee2c4fb7aa704f864c0bc6032be7c4854ac28b0b03cdcb4d099aed6259";
  public static final String CONFIG =
      "sha256:8c49f5ed4d52f57af8ea39743955876e4cbc125bfd1f44f6d44dad77f15eda6a";

  /** The gzip-compressed layer blob. */
  public static final String LAYER =
      "sha256:c57f3477a3efbf8cdf63e823526b3e88b70d096636e2b2859c7361f1f2630b0e";

  /** The digest of the uncompressed layer. */
  public static final String DIFF_ID =
      "sha256:91df1db967ab0f939172bba1324c9269478abf61766cf4492f4bbf3a3a8c60d5";

  private Busybox() {}

  /**
   * Unpacks the image's layer into {@code rootfs} (created if needed): /bin/busybox with a link per
   * applet, /etc/passwd and /etc/group, empty /tmp, /proc, /dev. Returns {@code rootfs}.
   */
  public static Path unpack(Path rootfs) throws IOException {
    Files.createDirectories(rootfs);
    Command.of(
            "sh",
            "-c",
            "tar -xOf \"$1\" \"blobs/sha256/$2\" | tar -xzf - -C \"$3\"",
            "sh",
            ARCHIVE.toAbsolutePath().toString(),
            LAYER.substring("sha256:".length()),
            rootfs.toString())
        .timeout(java.time.Duration.ofMinutes(1))
        .output();
    return rootfs;
  }
}
