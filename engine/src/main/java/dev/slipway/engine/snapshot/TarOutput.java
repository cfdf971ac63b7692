package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes ustar headers with PAX extended headers where ustar cannot say it (long or non-ASCII
 * names, ids above 2097151, huge sizes, sub-second or out-of-range mtimes, extended attributes).
 *
 * <p>Written by hand rather than with commons-compress because PAX values of extended attributes
 * are raw bytes (e.g. {@code security.capability}), which commons-compress decodes and encodes as
 * UTF-8 strings and so corrupts; and because every header byte must be under our control for
 * byte-identical layers. The layout follows Go's archive/tar, which BuildKit uses.
 */
final class TarOutput {

  static final int BLOCK = 512;
  private static final long MAX_OCTAL_7 = 07777777L;
  private static final long MAX_OCTAL_11 = 077777777777L;

  private final OutputStream out;

  TarOutput(OutputStream out) {
    this.out = out;
  }

  /** Writes the header and exactly {@code header.size()} bytes of {@code content}. */
  void write(TarHeader header, InputStream content) throws IOException {
    Map<String, byte[]> pax = paxRecords(header);
    if (!pax.isEmpty()) {
      byte[] records = encodePax(pax);
      writeHeaderBlock(paxHeaderName(header.name()), 'x', 0, 0, 0, records.length, 0, "", 0, 0);
      out.write(records);
      pad(records.length);
    }
    long seconds = header.mtime().getEpochSecond();
    writeHeaderBlock(
        truncate(header.name(), 100),
        header.type(),
        header.mode(),
        header.uid() > MAX_OCTAL_7 ? 0 : header.uid(),
        header.gid() > MAX_OCTAL_7 ? 0 : header.gid(),
        header.size() > MAX_OCTAL_11 ? 0 : header.size(),
        seconds < 0 || seconds > MAX_OCTAL_11 ? 0 : seconds,
        truncate(header.linkName(), 100),
        header.deviceMajor(),
        header.deviceMinor());
    if (header.size() > 0) {
      long copied = copy(content, header.size());
      if (copied != header.size()) {
        throw new SnapshotException(
            "file for tar entry "
                + header.name()
                + " changed while being written: expected "
                + header.size()
                + " bytes, read "
                + copied);
      }
      pad(header.size());
    }
  }

  /** The end-of-archive marker: two zero blocks. */
  void finish() throws IOException {
    out.write(new byte[2 * BLOCK]);
    out.flush();
  }

  private static Map<String, byte[]> paxRecords(TarHeader h) {
    Map<String, byte[]> pax = new TreeMap<>();
    if (!fitsUstar(h.name())) {
      pax.put("path", h.name().getBytes(StandardCharsets.UTF_8));
    }
    if (!fitsUstar(h.linkName())) {
      pax.put("linkpath", h.linkName().getBytes(StandardCharsets.UTF_8));
    }
    if (h.uid() > MAX_OCTAL_7) {
      pax.put("uid", ascii(Long.toString(h.uid())));
    }
    if (h.gid() > MAX_OCTAL_7) {
      pax.put("gid", ascii(Long.toString(h.gid())));
    }
    if (h.size() > MAX_OCTAL_11) {
      pax.put("size", ascii(Long.toString(h.size())));
    }
    long seconds = h.mtime().getEpochSecond();
    if (h.mtime().getNano() != 0 || seconds < 0 || seconds > MAX_OCTAL_11) {
      pax.put("mtime", ascii(formatTime(h.mtime())));
    }
    h.xattrs().asMap().forEach((name, value) -> pax.put("SCHILY.xattr." + name, value));
    return pax;
  }

  /** Seconds with the fraction trimmed of trailing zeros, e.g. {@code 1700000000.5}. */
  static String formatTime(Instant time) {
    BigDecimal value =
        BigDecimal.valueOf(time.getEpochSecond()).add(BigDecimal.valueOf(time.getNano(), 9));
    String text = value.stripTrailingZeros().toPlainString();
    return text;
  }

  /** PAX records "LEN key=value\n" where LEN counts the whole record including its own digits. */
  private static byte[] encodePax(Map<String, byte[]> records) {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> record : records.entrySet()) {
      byte[] key = record.getKey().getBytes(StandardCharsets.UTF_8);
      int body = 1 + key.length + 1 + record.getValue().length + 1; // " key=value\n"
      int length = body + Integer.toString(body).length();
      if (Integer.toString(length).length() != Integer.toString(body).length()) {
        length = body + Integer.toString(length).length();
      }
      buffer.writeBytes(ascii(length + " "));
      buffer.writeBytes(key);
      buffer.write('=');
      buffer.writeBytes(record.getValue());
      buffer.write('\n');
    }
    return buffer.toByteArray();
  }

  /** Go's naming: {@code dir/PaxHeaders.0/base}, truncated to the ustar name field. */
  private static String paxHeaderName(String name) {
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    int slash = trimmed.lastIndexOf('/');
    String dir = slash < 0 ? "" : trimmed.substring(0, slash + 1);
    String base = trimmed.substring(slash + 1);
    return truncate(dir + "PaxHeaders.0/" + base, 100);
  }

  private static boolean fitsUstar(String text) {
    return text.length() <= 100 && text.chars().allMatch(c -> c > 0 && c < 0x80);
  }

  /** At most {@code max} bytes of ASCII: what ustar fields can hold when PAX carries the truth. */
  private static String truncate(String text, int max) {
    StringBuilder ascii = new StringBuilder();
    for (int i = 0; i < text.length() && ascii.length() < max; i++) {
      char c = text.charAt(i);
      ascii.append(c > 0 && c < 0x80 ? c : '_');
    }
    return ascii.toString();
  }

  private void writeHeaderBlock(
      String name,
      char type,
      int mode,
      long uid,
      long gid,
      long size,
      long mtime,
      String linkName,
      int major,
      int minor)
      throws IOException {
    byte[] block = new byte[BLOCK];
    put(block, 0, 100, ascii(name));
    octal(block, 100, 8, mode & 07777);
    octal(block, 108, 8, uid);
    octal(block, 116, 8, gid);
    octal(block, 124, 12, size);
    octal(block, 136, 12, mtime);
    block[156] = (byte) type;
    put(block, 157, 100, ascii(linkName));
    put(block, 257, 6, ascii("ustar\0"));
    put(block, 263, 2, ascii("00"));
    // uname and gname stay empty: layers carry numeric ids only.
    if (type == TarHeader.CHAR_DEVICE || type == TarHeader.BLOCK_DEVICE) {
      octal(block, 329, 8, major);
      octal(block, 337, 8, minor);
    } else {
      octal(block, 329, 8, 0);
      octal(block, 337, 8, 0);
    }
    for (int i = 148; i < 156; i++) {
      block[i] = ' ';
    }
    long checksum = 0;
    for (byte b : block) {
      checksum += b & 0xff;
    }
    byte[] sum = ascii(String.format("%06o", checksum));
    System.arraycopy(sum, 0, block, 148, 6);
    block[154] = 0;
    block[155] = ' ';
    out.write(block);
  }

  private static void octal(byte[] block, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
    put(block, offset, length - 1, ascii(padded));
    block[offset + length - 1] = 0;
  }

  private static void put(byte[] block, int offset, int length, byte[] value) {
    System.arraycopy(value, 0, block, offset, Math.min(length, value.length));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private long copy(InputStream content, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long copied = 0;
    while (copied < size) {
      int n = content.read(buffer, 0, (int) Math.min(buffer.length, size - copied));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private void pad(long size) throws IOException {
    int remainder = (int) (size % BLOCK);
    if (remainder != 0) {
      out.write(new byte[BLOCK - remainder]);
    }
  }
}
