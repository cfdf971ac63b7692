package dev.slipway.engine.fileop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Carries extended attributes of every namespace (notably {@code security.capability}) from copied
 * source entries to their copies, with {@code getfattr}/{@code setfattr} (Debian package {@code
 * attr}): Java only reaches {@code user.*}. One process reads a whole source tree and one writes
 * all copies. Like BuildKit, attributes the destination filesystem refuses are skipped with a
 * warning rather than failing the copy.
 */
final class XattrCopier {

  private static final System.Logger LOG = System.getLogger(XattrCopier.class.getName());
  private static final Path GETFATTR = Path.of("/usr/bin/getfattr");
  private static final Path SETFATTR = Path.of("/usr/bin/setfattr");

  /** Attribute lines ({@code name=0s...}) per source path, read before copying. */
  private final Map<Path, List<String>> bySource;

  private final List<Path[]> copies = new ArrayList<>();

  private XattrCopier(Map<Path, List<String>> bySource) {
    this.bySource = bySource;
  }

  /** Reads the attributes under {@code sourceTop} (itself included). */
  static XattrCopier read(Path sourceTop) throws IOException {
    if (!Files.isExecutable(GETFATTR) || !Files.isExecutable(SETFATTR)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "getfattr/setfattr not installed (package attr): extended attributes are not copied");
      return new XattrCopier(Map.of());
    }
    byte[] out =
        run(
            List.of(
                GETFATTR.toString(),
                "--absolute-names",
                "-R",
                "-P",
                "-h",
                "-d",
                "-m",
                "-",
                "-e",
                "base64",
                sourceTop.toString()),
            null);
    Map<Path, List<String>> map = new HashMap<>();
    List<String> current = null;
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("# file: ")) {
        current = new ArrayList<>();
        map.put(Path.of(unquote(line.substring(8))), current);
      } else if (!line.isEmpty() && current != null && !line.startsWith("trusted.overlay.")) {
        current.add(line);
      }
    }
    map.values().removeIf(List::isEmpty);
    return new XattrCopier(map);
  }

  /** Notes that {@code target} is a copy of {@code source}. */
  void copied(Path source, Path target) {
    if (bySource.containsKey(source)) {
      copies.add(new Path[] {source, target});
    }
  }

  /** Writes the noted attributes. */
  void apply() throws IOException {
    if (copies.isEmpty()) {
      return;
    }
    StringBuilder dump = new StringBuilder();
    for (Path[] c : copies) {
      dump.append("# file: ").append(quote(c[1].toString())).append('\n');
      for (String line : bySource.get(c[0])) {
        dump.append(line).append('\n');
      }
      dump.append('\n');
    }
    try {
      run(
          List.of(SETFATTR.toString(), "-h", "--restore=-"),
          dump.toString().getBytes(StandardCharsets.UTF_8));
    } catch (FileOpException e) {
      LOG.log(System.Logger.Level.WARNING, "some extended attributes were not copied: {0}", e);
    }
  }

  private static byte[] run(List<String> command, byte[] stdin) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    byte[] out = p.getInputStream().readAllBytes();
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        throw new FileOpException(
            command.get(0) + " failed: " + new String(err.join(), StandardCharsets.UTF_8).strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new FileOpException("interrupted while copying extended attributes", e);
    }
    return out;
  }

  private static byte[] readAll(InputStream s) {
    try {
      return s.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** getfattr/setfattr write unusual bytes as {@code \ooo}. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > ' ' && c < 0x7f && c != '\\' && c != '=' && c != '"') {
        out.append((char) c);
      } else {
        out.append('\\').append(String.format("%03o", c));
      }
    }
    return out.toString();
  }

  static String unquote(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\\'
          && i + 3 < in.length
          && octal(in[i + 1])
          && octal(in[i + 2])
          && octal(in[i + 3])) {
        bytes.write(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
        i += 3;
      } else {
        bytes.write(in[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean octal(byte b) {
    return b >= '0' && b <= '7';
  }
}
