package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads tar streams as image layers are written: ustar, GNU (long names 'L'/'K', base-256 numbers)
 * and PAX (local 'x' and global 'g' records), keeping extended attribute values as raw bytes (see
 * {@link TarOutput} for why this is not commons-compress). Sparse files are refused.
 */
final class TarInput {

  private static final long MAX_PAX_SIZE = 16L << 20;

  private final InputStream in;
  private final Map<String, byte[]> globalPax = new HashMap<>();
  private long remaining;
  private long padding;

  TarInput(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end of the archive. Unread content is skipped. */
  TarHeader next() throws IOException {
    skipRest();
    Map<String, byte[]> pax = new HashMap<>(globalPax);
    String longName = null;
    String longLink = null;
    while (true) {
      byte[] block = readBlock();
      if (block == null || isZero(block)) {
        return null;
      }
      verifyChecksum(block);
      char type = (char) (block[156] == 0 ? '0' : block[156]);
      long size = number(block, 124, 12);
      switch (type) {
        case 'x', 'g' -> {
          Map<String, byte[]> records = parsePax(readSmall(size, "PAX header"));
          if (type == 'g') {
            globalPax.putAll(records);
          }
          pax.putAll(records);
        }
        case 'L' -> longName = cString(readSmall(size, "GNU long name"));
        case 'K' -> longLink = cString(readSmall(size, "GNU long link name"));
        default -> {
          return entry(block, type, size, pax, longName, longLink);
        }
      }
    }
  }

  /** The current entry's content; reading past it returns end of stream. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
          throw new SnapshotException("layer tar ends in the middle of an entry");
        }
        remaining -= n;
        return n;
      }
    };
  }

  private TarHeader entry(
      byte[] block, char type, long size, Map<String, byte[]> pax, String longName, String longLink)
      throws IOException {
    if (type == 'S') {
      throw new SnapshotException("layer tar contains a GNU sparse file, which is not supported");
    }
    String name = field(block, 0, 100);
    String magic = field(block, 257, 6);
    if (magic.equals("ustar")) {
      String prefix = field(block, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    if (longName != null) {
      name = longName;
    }
    String link = longLink != null ? longLink : field(block, 157, 100);
    long uid = number(block, 108, 8);
    long gid = number(block, 116, 8);
    Instant mtime = Instant.ofEpochSecond(number(block, 136, 12));
    Map<String, byte[]> xattrs = new TreeMap<>();
    for (Map.Entry<String, byte[]> record : pax.entrySet()) {
      String value = new String(record.getValue(), StandardCharsets.UTF_8);
      switch (record.getKey()) {
        case "path" -> name = value;
        case "linkpath" -> link = value;
        case "uid" -> uid = Long.parseLong(value);
        case "gid" -> gid = Long.parseLong(value);
        case "size" -> size = Long.parseLong(value);
        case "mtime" -> mtime = parseTime(value);
        default -> {
          if (record.getKey().startsWith("SCHILY.xattr.")) {
            xattrs.put(record.getKey().substring("SCHILY.xattr.".length()), record.getValue());
          }
        }
      }
    }
    // As in Go's archive/tar, links, devices, fifos and directories never have data blocks.
    remaining = "123456".indexOf(type) >= 0 ? 0 : size;
    padding = remaining % TarOutput.BLOCK == 0 ? 0 : TarOutput.BLOCK - remaining % TarOutput.BLOCK;
    return new TarHeader(
        name,
        type,
        (int) (number(block, 100, 8) & 07777),
        uid,
        gid,
        remaining,
        mtime,
        link,
        (int) number(block, 329, 8),
        (int) number(block, 337, 8),
        Xattrs.of(xattrs));
  }

  static Instant parseTime(String value) {
    BigDecimal seconds = new BigDecimal(value);
    BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
    int nanos = seconds.subtract(whole).movePointRight(9).intValue();
    return Instant.ofEpochSecond(whole.longValueExact(), nanos);
  }

  private static Map<String, byte[]> parsePax(byte[] data) throws SnapshotException {
    Map<String, byte[]> records = new HashMap<>();
    int pos = 0;
    while (pos < data.length) {
      int space = pos;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new SnapshotException("malformed PAX record in layer tar");
      }
      int end = pos + length;
      if (length <= 0 || end > data.length || data[end - 1] != '\n') {
        throw new SnapshotException("malformed PAX record in layer tar");
      }
      int eq = space + 1;
      while (eq < end && data[eq] != '=') {
        eq++;
      }
      String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
      byte[] value = java.util.Arrays.copyOfRange(data, Math.min(eq + 1, end - 1), end - 1);
      records.put(key, value);
      pos = end;
    }
    return records;
  }

  private byte[] readSmall(long size, String what) throws IOException {
    if (size > MAX_PAX_SIZE) {
      throw new SnapshotException("layer tar has a " + size + "-byte " + what + ", too large");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length != size) {
      throw new SnapshotException("layer tar ends inside a " + what);
    }
    skipFully(size % TarOutput.BLOCK == 0 ? 0 : TarOutput.BLOCK - size % TarOutput.BLOCK);
    return data;
  }

  private void skipRest() throws IOException {
    skipFully(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private void skipFully(long count) throws IOException {
    long left = count;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new SnapshotException("layer tar ends in the middle of an entry");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private byte[] readBlock() throws IOException {
    byte[] block = in.readNBytes(TarOutput.BLOCK);
    if (block.length == 0) {
      return null;
    }
    if (block.length != TarOutput.BLOCK) {
      throw new SnapshotException("layer tar ends inside a header block");
    }
    return block;
  }

  private static void verifyChecksum(byte[] block) throws SnapshotException {
    long unsigned = 0;
    for (int i = 0; i < TarOutput.BLOCK; i++) {
      unsigned += (i >= 148 && i < 156) ? ' ' : block[i] & 0xff;
    }
    long recorded = number(block, 148, 8);
    if (recorded != unsigned) {
      throw new SnapshotException(
          "layer data is not a valid tar stream (header checksum mismatch); is it still"
              + " compressed?");
    }
  }

  /** Octal (NUL/space padded) or GNU base-256 when the top bit of the first byte is set. */
  private static long number(byte[] block, int offset, int length) {
    if ((block[offset] & 0x80) != 0) {
      long value = block[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) {
        value = (value << 8) | (block[i] & 0xff);
      }
      return value;
    }
    long value = 0;
    for (int i = offset; i < offset + length; i++) {
      byte b = block[i];
      if (b >= '0' && b <= '7') {
        value = value * 8 + (b - '0');
      } else if (b == 0 || (b == ' ' && value > 0)) {
        break;
      }
    }
    return value;
  }

  private static String field(byte[] block, int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return new String(block, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
