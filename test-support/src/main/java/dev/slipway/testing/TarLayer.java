package dev.slipway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image layer as a POSIX ustar archive, byte for byte the same for the same entries (sorted,
 * owned by root, mtime 0), so that an unchanged layer keeps its digest and is not pushed again.
 */
final class TarLayer {

  private static final int BLOCK = 512;

  private record Entry(char type, int mode, byte[] content, String linkTarget) {}

  private final Map<String, Entry> entries = new TreeMap<>();

  /** Adds a regular file at {@code path} (absolute in the image), and its parent directories. */
  TarLayer file(String path, int mode, byte[] content) {
    return add(path, new Entry('0', mode, content, ""));
  }

  /** Adds a symbolic link at {@code path} pointing to {@code target}. */
  TarLayer symlink(String path, String target) {
    return add(path, new Entry('2', 0777, new byte[0], target));
  }

  /** Adds a directory at {@code path}. */
  TarLayer directory(String path, int mode) {
    return add(path, new Entry('5', mode, new byte[0], ""));
  }

  private TarLayer add(String path, Entry entry) {
    String name = relative(path);
    for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
      entries.putIfAbsent(name.substring(0, slash), new Entry('5', 0755, new byte[0], ""));
    }
    entries.put(name, entry);
    return this;
  }

  /** The archive: a header and the padded content per entry, then two empty blocks. */
  byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (var e : entries.entrySet()) {
        Entry entry = e.getValue();
        String name = entry.type() == '5' ? e.getKey() + "/" : e.getKey();
        out.write(header(name, entry));
        out.write(entry.content());
        pad(out, entry.content().length);
      }
      out.write(new byte[2 * BLOCK]);
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return out.toByteArray();
  }

  private static byte[] header(String name, Entry entry) {
    byte[] h = new byte[BLOCK];
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) {
      throw new IllegalArgumentException("a path of over 100 bytes needs a ustar prefix: " + name);
    }
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    octal(h, 100, 8, entry.mode());
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, entry.content().length);
    octal(h, 136, 12, 0); // mtime
    h[156] = (byte) entry.type();
    byte[] link = entry.linkTarget().getBytes(StandardCharsets.UTF_8);
    System.arraycopy(link, 0, h, 157, link.length);
    System.arraycopy(("ustar\0" + "00").getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    // The checksum is computed with its own field as spaces.
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, h, 148, 8);
    return h;
  }

  private static void octal(byte[] h, int offset, int length, long value) {
    byte[] digits =
        String.format("%0" + (length - 1) + "o", value).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, h, offset, length - 1);
  }

  private static void pad(OutputStream out, int length) throws IOException {
    int rest = length % BLOCK;
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  private static String relative(String path) {
    if (!path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
      throw new IllegalArgumentException("not an absolute path to an entry: " + path);
    }
    return path.substring(1);
  }
}
