package dev.slipway.cli.request;

import dev.slipway.cli.usage.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Repeated {@code KEY=VALUE} flags: {@code --label}, and {@code --build-arg} with its KEY form. */
final class KeyValueFlags {
  private KeyValueFlags() {}

  /** {@code --build-arg KEY=VALUE}, or {@code KEY} alone for the value of $KEY if it is set. */
  static Map<String, String> buildArgs(List<String> values, Map<String, String> env) {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : values) {
      int eq = a.indexOf('=');
      if (eq == 0) {
        throw new UsageException("--build-arg " + a + ": the name is missing");
      }
      if (eq < 0) {
        if (env.containsKey(a)) {
          args.put(a, env.get(a));
        }
      } else {
        args.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    return args;
  }

  static Map<String, String> parse(String flag, List<String> values) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(flag + " " + v + ": expected KEY=VALUE");
      }
      map.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return map;
  }
}
