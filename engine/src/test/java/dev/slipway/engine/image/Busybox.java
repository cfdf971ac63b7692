package dev.slipway.engine.image;

import dev.slipway.engine.content.Digest;
import java.nio.file.Path;

/** The shared busybox-static OCI archive that tests import (made by the conformance setup). */
public final class Busybox {
  private Busybox() {}

  public static final Path ARCHIVE = Path.of("../../shared/conformance/base/busybox-oci.tar");
  public static final Digest MANIFEST =
      Digest.parse("sha256:f8fe94ee2c4fb7aa704f864c0bc6032be7c4854ac28b0b03cdcb4d099aed6259");
  public static final Digest CONFIG =
      Digest.parse("sha256:8c49f5ed4d52f57af8ea39743955876e4cbc125bfd1f44f6d44dad77f15eda6a");
  public static final Digest LAYER =
      Digest.parse("sha256:c57f3477a3efbf8cdf63e823526b3e88b70d096636e2b2859c7361f1f2630b0e");
  public static final String DIFF_ID =
      "sha256:91df1db967ab0f939172bba1324c9269478abf61766cf4492f4bbf3a3a8c60d5";
}
