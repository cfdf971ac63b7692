package dev.slipway.engine.source;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the credentials a URL may carry in its user-info ({@code https://user:token@host/...}), in
 * any text that shows one: step names, progress, errors, image history. The user name stays when a
 * password follows it (as BuildKit shows {@code user:xxxxx@}); a user-info without a password is
 * often a token itself, so all of it goes.
 */
public final class UrlCredentials {
  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/@\\s?#]*)@");

  private UrlCredentials() {}

  /** {@code text} with the user-info of every URL in it redacted. */
  public static String redact(String text) {
    if (text == null || !text.contains("@")) {
      return text;
    }
    Matcher m = USER_INFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String info = m.group(2);
      int colon = info.indexOf(':');
      String shown = colon < 0 ? "xxxxx" : info.substring(0, colon) + ":xxxxx";
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + shown + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }
}
