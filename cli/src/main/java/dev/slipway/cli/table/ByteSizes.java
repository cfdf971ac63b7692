package dev.slipway.cli.table;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as Docker writes and reads them: "12.3MB" out (decimal), "10GB" in (binary units). */
public final class ByteSizes {
  private static final String[] DECIMAL_UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b?)", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  /** Four significant digits at most, like Docker's {@code units.HumanSize}. */
  public static String format(long bytes) {
    double size = bytes;
    int unit = 0;
    while (size >= 1000 && unit < DECIMAL_UNITS.length - 1) {
      size /= 1000;
      unit++;
    }
    String number = String.format(Locale.ROOT, "%.4g", size);
    if (number.contains(".")) {
      number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return number + DECIMAL_UNITS[unit];
  }

  /**
   * "512MB", "10g", "1.5GiB", "1048576": multiples of 1024, as {@code docker buildx prune
   * --keep-storage} reads them.
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a size; write it like 512MB, 10GB or 1048576");
    }
    String prefix = m.group(2).toLowerCase(Locale.ROOT);
    int power = prefix.isEmpty() ? 0 : "kmgtp".indexOf(prefix) + 1;
    return (long) (Double.parseDouble(m.group(1)) * Math.pow(1024, power));
  }
}
