package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.ArgDecl;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code --call=outline} lists for a target: the build args it takes (the ARGs of the stages
 * it builds, and the global ARGs their FROM lines use), with default and description, and the ids
 * of the secrets and ssh agents its RUN mounts ask for, and of the cache mounts it uses.
 */
record OutlineModel(
    List<Arg> args, Map<String, Boolean> secrets, Map<String, Boolean> ssh, Set<String> caches) {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");

  record Arg(String name, String value, String description, int line) {
    Map<String, Object> toJson() {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", name);
      if (!description.isEmpty()) {
        o.put("description", description);
      }
      if (!value.isEmpty()) {
        o.put("value", value);
      }
      o.put("location", FrontendCalls.location(line));
      return o;
    }
  }

  static OutlineModel of(Dockerfile df, Set<Integer> stages, DefinitionComments comments) {
    Map<String, Arg> globals = new HashMap<>();
    for (Instruction.Arg a : df.metaArgs()) {
      for (ArgDecl d : a.args()) {
        int line = a.meta().position().line();
        globals.put(
            d.name(),
            new Arg(
                d.name(),
                d.defaultValue() == null ? "" : d.defaultValue(),
                comments.arg(line),
                line));
      }
    }
    Map<String, Arg> args = new LinkedHashMap<>();
    Map<String, Boolean> secrets = new LinkedHashMap<>();
    Map<String, Boolean> ssh = new LinkedHashMap<>();
    Set<String> caches = new LinkedHashSet<>();
    for (int index : new TreeSet<>(stages)) {
      Stage stage = df.stages().get(index);
      Instruction.From from = stage.from();
      String words = from.image() + " " + (from.platform() == null ? "" : from.platform());
      Matcher m = VARIABLE.matcher(words);
      while (m.find()) {
        Arg global = globals.get(m.group(1));
        if (global != null) {
          args.putIfAbsent(global.name(), global);
        }
      }
      for (Instruction i : stage.commands()) {
        if (i instanceof Instruction.Arg a) {
          for (ArgDecl d : a.args()) {
            args.putIfAbsent(d.name(), stageArg(a, d, globals.get(d.name()), comments));
          }
        } else if (i instanceof Instruction.Run r) {
          r.mounts().forEach(spec -> mount(spec, secrets, ssh, caches));
        }
      }
    }
    List<Arg> sorted = new ArrayList<>(args.values());
    sorted.sort(Comparator.comparingInt(Arg::line));
    return new OutlineModel(sorted, secrets, ssh, caches);
  }

  /** A stage's ARG: its own default and comment, else those of the global of the same name. */
  private static Arg stageArg(
      Instruction.Arg a, ArgDecl d, Arg global, DefinitionComments comments) {
    int line = a.meta().position().line();
    String description = comments.arg(line);
    if (d.defaultValue() != null || global == null) {
      return new Arg(d.name(), d.defaultValue() == null ? "" : d.defaultValue(), description, line);
    }
    return description.isEmpty() ? global : new Arg(d.name(), global.value(), description, line);
  }

  /**
   * A secret's id (else its target's file name), an ssh id (else "default"), a cache id (else its
   * target).
   */
  private static void mount(
      String spec, Map<String, Boolean> secrets, Map<String, Boolean> ssh, Set<String> caches) {
    Map<String, String> fields = new HashMap<>();
    for (String field : RunMounts.csv(spec)) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      fields.put(key, eq < 0 ? "true" : field.substring(eq + 1));
    }
    String type = fields.getOrDefault("type", "bind");
    boolean required = Boolean.parseBoolean(fields.getOrDefault("required", "false"));
    String id = fields.getOrDefault("id", "");
    if (type.equals("secret")) {
      String target = fields.getOrDefault("target", fields.getOrDefault("dst", ""));
      if (id.isEmpty()) {
        id = target.substring(target.lastIndexOf('/') + 1);
      }
      secrets.merge(id, required, Boolean::logicalOr);
    } else if (type.equals("ssh")) {
      ssh.merge(id.isEmpty() ? "default" : id, required, Boolean::logicalOr);
    } else if (type.equals("cache")) {
      caches.add(id.isEmpty() ? fields.getOrDefault("target", fields.getOrDefault("dst", "")) : id);
    }
  }
}
