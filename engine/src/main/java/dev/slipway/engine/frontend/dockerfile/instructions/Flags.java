package dev.slipway.engine.frontend.dockerfile.instructions;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.parser.RawInstruction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name[=value]} flags of one instruction. Each instruction reads the flags it knows;
 * {@link #checkAllUsed()} then rejects the rest, so a typo such as {@code --chmown} is an error,
 * not silently ignored.
 */
final class Flags {

  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "from", Set.of("platform"),
          "run", Set.of("mount", "network", "security"),
          "copy", Set.of("from", "chown", "chmod", "link", "parents", "exclude"),
          "add", Set.of("chown", "chmod", "link", "checksum", "keep-git-dir", "unpack", "exclude"),
          "healthcheck",
              Set.of("interval", "timeout", "start-period", "start-interval", "retries"));

  private final RawInstruction raw;
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final Set<String> used = new HashSet<>();

  Flags(RawInstruction raw) {
    this.raw = raw;
    Set<String> allowed = ALLOWED.getOrDefault(raw.keyword(), Set.of());
    for (String flag : raw.flags()) {
      int eq = flag.indexOf('=');
      String name = (eq < 0 ? flag : flag.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (!allowed.contains(name)) {
        throw new DockerfileException(
            raw.position(),
            "unknown flag: --"
                + name
                + " for "
                + keyword()
                + (allowed.isEmpty()
                    ? " (it takes no flags)"
                    : " (it accepts "
                        + String.join(", ", allowed.stream().sorted().map(f -> "--" + f).toList())
                        + ")"));
      }
      values
          .computeIfAbsent(name, k -> new ArrayList<>())
          .add(eq < 0 ? null : flag.substring(eq + 1));
    }
  }

  private String keyword() {
    return raw.keyword().toUpperCase(Locale.ROOT);
  }

  /** A flag given at most once with a value; null when absent. */
  String string(String name) {
    used.add(name);
    List<String> v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v.size() > 1) {
      throw new DockerfileException(
          raw.position(), "duplicate flag --" + name + " on " + keyword() + ": give it once");
    }
    if (v.get(0) == null) {
      throw new DockerfileException(
          raw.position(), "missing a value on flag --" + name + ": write --" + name + "=<value>");
    }
    return v.get(0);
  }

  /** A repeatable flag's values in order. */
  List<String> multi(String name) {
    used.add(name);
    List<String> v = values.getOrDefault(name, List.of());
    for (String s : v) {
      if (s == null) {
        throw new DockerfileException(
            raw.position(), "missing a value on flag --" + name + ": write --" + name + "=<value>");
      }
    }
    return List.copyOf(v);
  }

  /** A boolean flag: {@code --link}, {@code --link=true} or {@code --link=false}. */
  boolean bool(String name) {
    return Boolean.TRUE.equals(optionalBool(name));
  }

  /** A boolean flag, or null when absent (where "not given" differs from false). */
  Boolean optionalBool(String name) {
    used.add(name);
    List<String> v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v.size() > 1) {
      throw new DockerfileException(
          raw.position(), "duplicate flag --" + name + " on " + keyword() + ": give it once");
    }
    String s = v.get(0);
    if (s == null || s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new DockerfileException(
        raw.position(), "expecting boolean value for flag --" + name + ", not: " + s);
  }

  void checkAllUsed() {
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        throw new DockerfileException(
            raw.position(), "flag --" + name + " is not valid for " + keyword());
      }
    }
  }
}
