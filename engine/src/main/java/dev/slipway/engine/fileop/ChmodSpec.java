package dev.slipway.engine.fileop;

import java.util.regex.Pattern;

/**
 * A {@code --chmod} value: octal ({@code 755}, {@code 0640}) replaces the permission bits; symbolic
 * ({@code u+x,g-w,o=r}, {@code a+X}) changes them as chmod(1) does, relative to each copied entry's
 * own mode. No umask applies: {@code +x} means {@code a+x}.
 */
public record ChmodSpec(String text, Integer octal) {

  private static final Pattern OCTAL = Pattern.compile("[0-7]{1,4}");
  private static final Pattern SYMBOLIC =
      Pattern.compile(
          "[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+(?:,[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+)*");

  private static final int PERM_BITS = 07777;

  /** Parses {@code text}; null stays null (no --chmod). */
  public static ChmodSpec parse(String text) {
    if (text == null) {
      return null;
    }
    if (OCTAL.matcher(text).matches()) {
      return new ChmodSpec(text, Integer.parseInt(text, 8));
    }
    if (SYMBOLIC.matcher(text).matches()) {
      return new ChmodSpec(text, null);
    }
    throw new FileOpException(
        "invalid --chmod \""
            + text
            + "\": use an octal mode such as 0755 or a symbolic one such as u+x,g-w");
  }

  /** The mode bits (07777 part) an entry with {@code mode} gets. */
  public int apply(int mode, boolean directory) {
    if (octal != null) {
      return octal;
    }
    int m = mode & PERM_BITS;
    for (String clause : text.split(",")) {
      int i = 0;
      int who = 0;
      while (i < clause.length() && "ugoa".indexOf(clause.charAt(i)) >= 0) {
        who |= whoMask(clause.charAt(i++));
      }
      if (who == 0) {
        who = whoMask('a');
      }
      while (i < clause.length()) {
        char op = clause.charAt(i++);
        int start = i;
        while (i < clause.length() && "+-=".indexOf(clause.charAt(i)) < 0) {
          i++;
        }
        int bits = permBits(clause.substring(start, i), m, who, directory);
        m =
            switch (op) {
              case '+' -> m | bits;
              case '-' -> m & ~bits;
              default -> (m & ~who) | bits;
            };
      }
    }
    return m;
  }

  /** Every bit a class letter may touch: its rwx plus its special bit. */
  private static int whoMask(char c) {
    return switch (c) {
      case 'u' -> 04700;
      case 'g' -> 02070;
      case 'o' -> 01007;
      default -> 07777;
    };
  }

  private static int permBits(String perms, int mode, int who, boolean directory) {
    if (perms.length() == 1 && "ugo".indexOf(perms.charAt(0)) >= 0) {
      int shift =
          switch (perms.charAt(0)) {
            case 'u' -> 6;
            case 'g' -> 3;
            default -> 0;
          };
      int rwx = (mode >> shift) & 7;
      return (rwx << 6 | rwx << 3 | rwx) & who;
    }
    int bits = 0;
    for (char p : perms.toCharArray()) {
      bits |=
          switch (p) {
            case 'r' -> 0444;
            case 'w' -> 0222;
            case 'x' -> 0111;
            case 'X' -> directory || (mode & 0111) != 0 ? 0111 : 0;
            case 's' -> 06000;
            default -> 01000;
          };
    }
    return bits & who;
  }
}
