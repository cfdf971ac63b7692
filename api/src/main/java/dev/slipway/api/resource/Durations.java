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

  private static final Pattern FORM =
      Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,8})m)?(?:(\\d{1,9})s)?");

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
      throw new IllegalArgumentException(
          field
              + ": \""
              + (value == null ? "" : value)
              + "\" is not a duration; write whole hours, minutes and seconds like 30s, 5m, 1h or"
              + " 1h30m");
    }
    return Duration.ofHours(number(m.group(1)))
        .plusMinutes(number(m.group(2)))
        .plusSeconds(number(m.group(3)));
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
