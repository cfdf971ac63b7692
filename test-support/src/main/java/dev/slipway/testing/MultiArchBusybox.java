package dev.slipway.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A two-platform base image for multi-platform tests, pushed to the test registry as {@link
 * #INDEX}: an OCI image index of the {@link Busybox} image (linux/amd64, its layer as it is) and a
 * linux/arm64 image whose layer holds Debian's arm64 busybox-static as {@code /bin/busybox} with
 * the same applet links, {@code /etc/passwd} and {@code /etc/group}. {@link #ARM64} is the arm64
 * image alone. RUN steps in the arm64 image need QEMU user emulation: {@code .ci/emulation.sh}
 * installs it and puts the arm64 binary at {@link #ARM64_BUSYBOX}.
 */
public final class MultiArchBusybox {
  public static final String REPOSITORY_INDEX = "slipway-test/busybox-multiarch";
  public static final String REPOSITORY_ARM64 = "slipway-test/busybox-arm64";
  public static final String TAG = "1";

  /** The index in the test registry, for a FROM line. */
  public static final String INDEX = "127.0.0.1:5000/" + REPOSITORY_INDEX + ":" + TAG;

  /** The arm64 image alone. */
  public static final String ARM64 = "127.0.0.1:5000/" + REPOSITORY_ARM64 + ":" + TAG;

  /** Where {@code .ci/emulation.sh} puts Debian's arm64 busybox-static binary. */
  public static final Path ARM64_BUSYBOX = Path.of("/var/cache/slipway-test/busybox-arm64/busybox");

  /** The kernel's handler that runs arm64 programs through QEMU. */
  static final Path AARCH64_HANDLER = Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64");

  static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";

  private MultiArchBusybox() {}

  /**
   * Whether this machine can build and run the arm64 image: the arm64 binary is there and the
   * kernel's aarch64 handler is registered with the fix-binary flag (F), which a container needs.
   * When not, says loudly on stderr how to fix it; tests assert this rather than skip, so that a
   * machine without emulation fails them.
   */
  public static boolean available() {
    String missing = missing();
    if (missing != null) {
      System.err.println(
          "*** MultiArchBusybox: "
              + missing
              + ". Run .ci/emulation.sh as root (QEMU user emulation and Debian's arm64"
              + " busybox-static) and try again. ***");
      return false;
    }
    return true;
  }

  private static String missing() {
    if (!Files.isRegularFile(ARM64_BUSYBOX)) {
      return "the arm64 busybox binary " + ARM64_BUSYBOX + " is missing";
    }
    try {
      String handler = Files.readString(AARCH64_HANDLER);
      if (!handler.startsWith("enabled")
          || handler.lines().noneMatch(l -> l.startsWith("flags:") && l.contains("F"))) {
        return "the binfmt_misc handler " + AARCH64_HANDLER + " is disabled or lacks the F flag";
      }
    } catch (IOException e) {
      return "no binfmt_misc handler for aarch64 (" + AARCH64_HANDLER + " cannot be read)";
    }
    return null;
  }

  /**
   * Pushes both images to the registry at {@code registryHostPort} (e.g. {@code 127.0.0.1:5000}),
   * sending nothing a tag already names: the same bytes give the same digests every time.
   *
   * @throws IllegalStateException when {@link #available()} is false
   */
  public static void pushTo(String registryHostPort) throws IOException, InterruptedException {
    if (!available()) {
      throw new IllegalStateException(
          "the arm64 test image cannot be made: " + missing() + "; run .ci/emulation.sh");
    }
    URI registry = URI.create("http://" + registryHostPort);
    Image amd64 = amd64();
    Image arm64 = arm64();
    arm64.pushTo(new RegistryPush(registry, REPOSITORY_ARM64), TAG);
    RegistryPush index = new RegistryPush(registry, REPOSITORY_INDEX);
    byte[] indexJson =
        bytes(
            """
            {"schemaVersion":2,"mediaType":"%s","manifests":[%s,%s]}"""
                .formatted(INDEX_TYPE, amd64.descriptor("amd64"), arm64.descriptor("arm64")));
    if (index.tagged(TAG, HostToolsImage.digest(indexJson), INDEX_TYPE)) {
      return;
    }
    amd64.pushBlobs(index);
    arm64.pushBlobs(index);
    index.manifest(TAG, INDEX_TYPE, indexJson);
  }

  /** One platform's image: its layer, config and manifest bytes. */
  private record Image(byte[] layer, byte[] config, byte[] manifest) {
    String descriptor(String architecture) {
      return """
          {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"%s","os":"linux"}}"""
          .formatted(
              HostToolsImage.MANIFEST_TYPE,
              HostToolsImage.digest(manifest),
              manifest.length,
              architecture);
    }

    void pushBlobs(RegistryPush push) throws IOException, InterruptedException {
      push.blob(HostToolsImage.digest(layer), layer);
      push.blob(HostToolsImage.digest(config), config);
      push.manifest(HostToolsImage.digest(manifest), HostToolsImage.MANIFEST_TYPE, manifest);
    }

    void pushTo(RegistryPush push, String tag) throws IOException, InterruptedException {
      if (push.tagged(tag, HostToolsImage.digest(manifest), HostToolsImage.MANIFEST_TYPE)) {
        return;
      }
      pushBlobs(push);
      push.manifest(tag, HostToolsImage.MANIFEST_TYPE, manifest);
    }
  }

  /** The {@link Busybox} image, blob for blob from its archive. */
  private static Image amd64() throws IOException, InterruptedException {
    return new Image(blob(Busybox.LAYER), blob(Busybox.CONFIG), blob(Busybox.MANIFEST));
  }

  private static byte[] blob(String digest) throws IOException, InterruptedException {
    Path out = Files.createTempFile("busybox-blob", "");
    try {
      Command.of(
              "sh",
              "-c",
              "tar -xOf \"$1\" \"blobs/sha256/$2\" > \"$3\"",
              "sh",
              Busybox.ARCHIVE.toAbsolutePath().toString(),
              digest.substring("sha256:".length()),
              out.toString())
          .timeout(Duration.ofMinutes(1))
          .output();
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The arm64 binary with the amd64 image's applet links (busybox --list of the amd64 binary). */
  private static Image arm64() throws IOException, InterruptedException {
    TarLayer tar = new TarLayer();
    tar.file("/bin/busybox", 0755, Files.readAllBytes(ARM64_BUSYBOX));
    Path unpacked = Files.createTempDirectory("busybox");
    try {
      String applets =
          Command.of(Busybox.unpack(unpacked).resolve("bin/busybox").toString(), "--list").output();
      for (String applet : applets.strip().split("\\s+")) {
        if (!applet.isEmpty() && !applet.equals("busybox")) {
          tar.symlink("/bin/" + applet, "busybox");
        }
      }
    } finally {
      Command.of("rm", "-rf", unpacked.toString()).output();
    }
    tar.file("/etc/passwd", 0644, bytes("root:x:0:0:root:/root:/bin/sh\n"));
    tar.file("/etc/group", 0644, bytes("root:x:0:\n"));
    tar.directory("/root", 0700);
    tar.directory("/tmp", 01777);
    byte[] uncompressed = tar.toBytes();
    byte[] layer = HostToolsImage.gzip(uncompressed);
    byte[] config =
        bytes(
            """
            {"architecture":"arm64","os":"linux","config":{"Env":["PATH=\
            /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},\
            "rootfs":{"type":"layers","diff_ids":["%s"]}}"""
                .formatted(HostToolsImage.digest(uncompressed)));
    byte[] manifest =
        bytes(
            """
            {"schemaVersion":2,"mediaType":"%s",\
            "config":{"mediaType":"%s","digest":"%s","size":%d},\
            "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}"""
                .formatted(
                    HostToolsImage.MANIFEST_TYPE,
                    HostToolsImage.CONFIG_TYPE,
                    HostToolsImage.digest(config),
                    config.length,
                    HostToolsImage.LAYER_TYPE,
                    HostToolsImage.digest(layer),
                    layer.length));
    return new Image(layer, config, manifest);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
