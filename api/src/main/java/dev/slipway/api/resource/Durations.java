package dev.slipway.api.resource;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of the duration strings Builder fields and builder flags take: Go-style whole
 * numbers of hours, minutes and seconds ({@code 30s}, {@code 5m}, {@code 1h}, {@code 1h30m}), as
 * Kubernetes users write them elsewhere.
 */
public final class Durations {

  /** What the CRDs accept for such a field (trimmed, the same forms {@link #parse} reads). */
  public static final String PATTERN = "^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$";

  private static final Pattern FORM = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  /** Longer than any grace or delay a Builder needs; beyond it a value is a typo. */
  private static final Duration MAX = Duration.ofDays(366);

  private Durations() {}

  /**
   * @param field what the value was given for, named in the error (e.g. {@code
   *     spec.drainGracePeriod})
   * @throws IllegalArgumentException naming the field and the accepted forms
   */
  public static Duration parse(String field, String value) {
    String text = value == null ? "" : value.trim();
    Matcher m = FORM.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw invalid(field, value, "is not a duration");
    }
    try {
      Duration d =
          Duration.ofHours(number(m.group(1)))
              .plusMinutes(number(m.group(2)))
              .plusSeconds(number(m.group(3)));
      if (d.compareTo(MAX) > 0) {
        throw invalid(field, value, "is longer than a year");
      }
      return d;
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalid(field, value, "is longer than a year");
    }
  }

  private static IllegalArgumentException invalid(String field, String value, String problem) {
    return new IllegalArgumentException(
        field
            + ": \""
            + (value == null ? "" : value)
            + "\" "
            + problem
            + "; write whole hours, minutes and seconds like 30s, 5m, 1h or 1h30m");
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
