package dev.slipway.engine.history;

import java.util.regex.Pattern;

/**
 * Build ids become file names in the store, and they come from clients: only ids made of letters,
 * digits, '.', '_' and '-', starting with a letter or digit and at most 128 long, name a record.
 * That leaves no separator, no "..", no hidden file and nothing a shell or a file system reads
 * specially.
 */
public final class HistoryIds {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private HistoryIds() {}

  public static boolean valid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
