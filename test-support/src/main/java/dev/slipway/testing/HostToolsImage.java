package dev.slipway.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny base image made of this machine's own binaries: the {@link Busybox} image's busybox as
 * {@code /bin/sh} and its applets, plus the named tools (e.g. {@code ssh-add}) in {@code
 * /usr/local/bin} with the shared libraries and dynamic loader that {@code ldd} names. Tests that
 * need a tool in a {@code RUN} step build FROM it instead of an image that only some earlier script
 * put into the registry, so they need nothing beyond what {@code .ci/setup} installs and starts.
 */
public final class HostToolsImage {

  /** The test registry that {@code .ci/setup} starts. */
  public static final URI TEST_REGISTRY = URI.create("http://127.0.0.1:5000");

  static final String REPOSITORY = "slipway-test/host-tools";
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String TOOLS_DIR = "/usr/local/bin";

  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Pattern LDD_PATH = Pattern.compile("(/\\S+)");

  private final byte[] layer;
  private final byte[] config;
  private final byte[] manifest;

  private HostToolsImage(byte[] layer, byte[] config, byte[] manifest) {
    this.layer = layer;
    this.config = config;
    this.manifest = manifest;
  }

  /**
   * Pushes the image with {@code tools} to {@link #TEST_REGISTRY} unless its tag already names the
   * same content; returns the image's name for a {@code FROM} line, e.g. {@code
   * 127.0.0.1:5000/slipway-test/host-tools:ssh-add}.
   */
  public static String ensure(String... tools) throws IOException, InterruptedException {
    String tag = String.join("-", tools).replaceAll("[^A-Za-z0-9_.-]", "_");
    of(tools).pushTo(TEST_REGISTRY, REPOSITORY, tag);
    return TEST_REGISTRY.getAuthority() + "/" + REPOSITORY + ":" + tag;
  }

  /** Builds the image in memory from busybox and {@code tools} as found on this machine's PATH. */
  public static HostToolsImage of(String... tools) throws IOException, InterruptedException {
    TarLayer tar = new TarLayer();
    TreeSet<String> libraries = new TreeSet<>();
    // The tests' one busybox: the binary of the Busybox image, with a link per applet.
    Path unpacked = Files.createTempDirectory("busybox");
    try {
      Path busybox = Busybox.unpack(unpacked).resolve("bin/busybox");
      tar.file("/bin/busybox", 0755, Files.readAllBytes(busybox));
      String applets = Command.of(busybox.toString(), "--list").output();
      for (String applet : applets.strip().split("\\s+")) {
        if (!applet.isEmpty() && !applet.equals("busybox")) {
          tar.symlink("/bin/" + applet, "busybox");
        }
      }
    } finally {
      Command.of("rm", "-rf", unpacked.toString()).output();
    }
    for (String tool : tools) {
      Path program = find(tool, "install the package that has it");
      tar.file(TOOLS_DIR + "/" + tool, 0755, Files.readAllBytes(program));
      libraries.addAll(libraries(program));
    }
    for (String library : libraries) {
      tar.file(library, 0755, Files.readAllBytes(Path.of(library))); // reads through links
    }
    tar.file("/etc/passwd", 0644, bytes("root:x:0:0:root:/root:/bin/sh\n"));
    tar.file("/etc/group", 0644, bytes("root:x:0:\n"));
    tar.directory("/root", 0700);
    tar.directory("/tmp", 01777);

    byte[] uncompressed = tar.toBytes();
    byte[] layer = gzip(uncompressed);
    byte[] config =
        bytes(
            """
            {"architecture":"%s","os":"linux","config":{"Env":["PATH=%s"],"Cmd":["/bin/sh"]},\
            "rootfs":{"type":"layers","diff_ids":["%s"]}}"""
                .formatted(architecture(), PATH, digest(uncompressed)));
    byte[] manifest =
        bytes(
            """
            {"schemaVersion":2,"mediaType":"%s",\
            "config":{"mediaType":"%s","digest":"%s","size":%d},\
            "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}"""
                .formatted(
                    MANIFEST_TYPE,
                    CONFIG_TYPE,
                    digest(config),
                    config.length,
                    LAYER_TYPE,
                    digest(layer),
                    layer.length));
    return new HostToolsImage(layer, config, manifest);
  }

  /** The digest of the image's manifest: the same for the same binaries. */
  public String digest() {
    return digest(manifest);
  }

  /**
   * Pushes the layer, the config and the manifest as {@code repository:tag} to {@code registry}
   * (e.g. {@code http://127.0.0.1:5000}); returns false, having sent nothing, when the tag already
   * names this manifest.
   */
  public boolean pushTo(URI registry, String repository, String tag)
      throws IOException, InterruptedException {
    RegistryPush push = new RegistryPush(registry, repository);
    if (push.tagged(tag, digest(), MANIFEST_TYPE)) {
      return false;
    }
    push.blob(digest(layer), layer);
    push.blob(digest(config), config);
    push.manifest(tag, MANIFEST_TYPE, manifest);
    return true;
  }

  /** The real path of program {@code name} on this machine's PATH or in its sbin and bin dirs. */
  private static Path find(String name, String hint) throws IOException {
    if (name.contains("/")) {
      throw new IllegalArgumentException("name a tool, not a path: " + name);
    }
    List<String> dirs = new ArrayList<>();
    dirs.addAll(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of(PATH.split(":")));
    for (String dir : dirs) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toRealPath();
      }
    }
    throw new IOException(name + " is not on this machine's PATH; " + hint);
  }

  /** The shared libraries and loader {@code ldd} names for {@code program}; none when static. */
  private static List<String> libraries(Path program) throws IOException, InterruptedException {
    Command.Result ldd =
        Command.of("ldd", program.toString()).timeout(Duration.ofSeconds(60)).run();
    String out = ldd.stdout() + ldd.stderr();
    if (!ldd.succeeded()) {
      if (out.contains("not a dynamic executable") || out.contains("statically linked")) {
        return List.of();
      }
      throw new IOException(ldd.toString());
    }
    List<String> libraries = new ArrayList<>();
    for (String line : out.lines().toList()) {
      if (line.contains("not found")) {
        throw new IOException("ldd " + program + " finds no library: " + line.strip());
      }
      Matcher path = LDD_PATH.matcher(line);
      if (path.find()) {
        libraries.add(path.group(1));
      }
    }
    return libraries;
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    }
    return out.toByteArray();
  }

  static String digest(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
