package dev.slipway.cli.request;

import dev.slipway.cli.usage.UsageException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Buildx's comma-separated {@code key=value} flag values ({@code type=oci,dest=out.tar}), with
 * double quotes around values that contain commas.
 */
final class CsvAttributes {
  private CsvAttributes() {}

  /** Parses the value of {@code flag}; a field without "=" is stored with an empty key's value. */
  static Map<String, String> parse(String flag, String text) {
    Map<String, String> attrs = new LinkedHashMap<>();
    for (String field : split(flag, text)) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).trim().toLowerCase();
      String value = eq < 0 ? null : unquote(field.substring(eq + 1).trim());
      if (key.isEmpty()) {
        throw new UsageException(flag + " \"" + text + "\": empty field; write key=value pairs");
      }
      if (attrs.containsKey(key)) {
        throw new UsageException(flag + " \"" + text + "\": " + key + " is given twice");
      }
      attrs.put(key, value);
    }
    return attrs;
  }

  private static java.util.List<String> split(String flag, String text) {
    java.util.List<String> fields = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : text.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        current.append(c);
      } else if (c == ',' && !quoted) {
        fields.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new UsageException(flag + " \"" + text + "\": unbalanced double quote");
    }
    fields.add(current.toString());
    return fields;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }
}
