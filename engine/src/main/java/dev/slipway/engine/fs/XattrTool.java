package dev.slipway.engine.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes extended attributes of any namespace through {@code getfattr}/{@code setfattr}
 * (Debian package {@code attr}). Java's UserDefinedFileAttributeView only reaches {@code user.*},
 * but layers need {@code security.capability} and overlayfs keeps its state in {@code
 * trusted.overlay.*}. Both tools run once per tree, not once per file, and work on symlinks
 * themselves ({@code -h}).
 */
public final class XattrTool {

  private XattrTool() {}

  /** All extended attributes under {@code root} (itself included), keyed by absolute path. */
  public static Map<Path, Xattrs> readTree(Path root) throws IOException {
    Path getfattr = HostCommands.require("getfattr", "attr");
    HostCommands.Result result =
        HostCommands.execute(
            null,
            List.of(
                getfattr.toString(),
                "--absolute-names",
                "-R",
                "-P",
                "-h",
                "-d",
                "-m",
                "-",
                "-e",
                "base64",
                root.toAbsolutePath().toString()),
            null);
    if (result.exitCode() != 0) {
      throw new IOException(
          "reading extended attributes under " + root + " failed: " + result.stderr().strip());
    }
    return parseDump(result.stdout());
  }

  /** Sets the given attributes (absolute paths), leaving other attributes alone. */
  public static void writeAll(Map<Path, Xattrs> attributes) throws IOException {
    if (attributes.values().stream().allMatch(Xattrs::isEmpty)) {
      return;
    }
    Path setfattr = HostCommands.require("setfattr", "attr");
    ByteArrayOutputStream dump = new ByteArrayOutputStream();
    for (Map.Entry<Path, Xattrs> file : attributes.entrySet()) {
      if (file.getValue().isEmpty()) {
        continue;
      }
      dump.writeBytes(
          ("# file: " + quote(file.getKey().toAbsolutePath().toString()) + "\n")
              .getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> attr : file.getValue().asMap().entrySet()) {
        dump.writeBytes(
            (quote(attr.getKey()) + "=0s" + Base64.getEncoder().encodeToString(attr.getValue()))
                .getBytes(StandardCharsets.UTF_8));
        dump.write('\n');
      }
      dump.write('\n');
    }
    HostCommands.run(null, List.of(setfattr.toString(), "-h", "--restore=-"), dump.toByteArray());
  }

  public static Map<Path, Xattrs> parseDump(byte[] output) throws IOException {
    Map<Path, Xattrs> result = new HashMap<>();
    Path current = null;
    Map<String, byte[]> values = new TreeMap<>();
    for (String line : new String(output, StandardCharsets.UTF_8).split("\n", -1)) {
      if (line.startsWith("# file: ")) {
        if (current != null) {
          result.put(current, Xattrs.of(values));
        }
        current = Path.of(unquote(line.substring("# file: ".length())));
        values = new TreeMap<>();
      } else if (!line.isEmpty() && current != null) {
        int eq = line.indexOf('=');
        String name = unquote(eq < 0 ? line : line.substring(0, eq));
        values.put(name, eq < 0 ? new byte[0] : decodeValue(line.substring(eq + 1)));
      }
    }
    if (current != null) {
      result.put(current, Xattrs.of(values));
    }
    return result;
  }

  private static byte[] decodeValue(String text) throws IOException {
    if (text.startsWith("0s")) {
      return Base64.getDecoder().decode(text.substring(2));
    }
    if (text.startsWith("0x")) {
      return HexFormat.of().parseHex(text.substring(2));
    }
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return unquote(text.substring(1, text.length() - 1)).getBytes(StandardCharsets.UTF_8);
    }
    throw new IOException("unexpected extended attribute value in getfattr output: " + text);
  }

  /** getfattr/setfattr escape bytes as {@code \ooo}; escaping every unusual byte is accepted. */
  public static String quote(String text) {
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

  public static String unquote(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\\' && i + 1 < in.length && in[i + 1] == '\\') {
        bytes.write('\\');
        i++;
      } else if (in[i] == '\\' && i + 3 < in.length && isOctal(in, i + 1)) {
        bytes.write(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
        i += 3;
      } else {
        bytes.write(in[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte[] in, int from) {
    for (int i = from; i < from + 3; i++) {
      if (in[i] < '0' || in[i] > '7') {
        return false;
      }
    }
    return true;
  }
}
