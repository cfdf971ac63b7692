package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.ExecOp.CacheSharing;
import dev.slipway.engine.graph.ExecOp.Mount;
import dev.slipway.engine.graph.ExecOp.MountType;
import dev.slipway.engine.graph.Vertex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Reads {@code RUN --mount=type=...,key=value,...} specs (BuildKit's defaults: bind read-only from
 * the context, cache id = target and shared, secret at {@code /run/secrets/<id>} mode 0400, ssh id
 * {@code default} mode 0600).
 */
final class RunMounts {

  private static final Set<String> KEYS =
      Set.of(
          "type",
          "from",
          "source",
          "src",
          "target",
          "dst",
          "destination",
          "readonly",
          "ro",
          "readwrite",
          "rw",
          "id",
          "sharing",
          "mode",
          "uid",
          "gid",
          "size",
          "env",
          "required");

  /** How the converter supplies a mount's source: {@code from} (stage/image) or the context. */
  interface Sources {
    Vertex from(String from);

    Vertex context(String sourcePath);
  }

  private RunMounts() {}

  /**
   * Parses one mount spec. {@code expand} expands a value with the stage's variables; {@code cwd}
   * resolves relative targets; {@code sshIndex} numbers default ssh sockets.
   */
  static Mount parse(
      String spec,
      UnaryOperator<String> expand,
      String cwd,
      int sshIndex,
      Sources sources,
      BiFunction<String, Object[], DockerfileException> error) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String field : csv(spec)) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(key)) {
        throw error.apply("unexpected key '%s' in --mount=%s", new Object[] {key, spec});
      }
      String value = eq < 0 ? null : expand.apply(field.substring(eq + 1));
      switch (key) {
        case "src" -> key = "source";
        case "dst", "destination" -> key = "target";
        case "ro" -> key = "readonly";
        case "rw" -> key = "readwrite";
        default -> {}
      }
      f.put(key, value);
    }
    String type = f.getOrDefault("type", "bind");
    if (type == null) {
      type = "";
    }
    MountType mt =
        switch (type) {
          case "bind" -> MountType.BIND;
          case "cache" -> MountType.CACHE;
          case "tmpfs" -> MountType.TMPFS;
          case "secret" -> MountType.SECRET;
          case "ssh" -> MountType.SSH;
          default ->
              throw error.apply(
                  "unsupported mount type '%s': use bind, cache, tmpfs, secret or ssh",
                  new Object[] {type});
        };
    String target = f.get("target");
    if (target != null && target.isEmpty()) {
      throw error.apply("empty target in --mount=%s", new Object[] {spec});
    }
    if (target != null && !target.startsWith("/")) {
      target = Paths.join(cwd, target);
    }
    boolean readonly = bool(f, "readonly", error);
    boolean readwrite = bool(f, "readwrite", error);
    Integer uid = integer(f, "uid", 10, error);
    Integer gid = integer(f, "gid", 10, error);
    Integer mode = integer(f, "mode", 8, error);
    String id = f.get("id");
    switch (mt) {
      case BIND, CACHE -> {
        if (target == null) {
          throw error.apply(
              "--mount=type=%s needs a target, e.g. target=/mnt", new Object[] {type});
        }
        String source = f.getOrDefault("source", "/");
        source = source == null || source.isEmpty() ? "/" : source;
        String from = f.get("from");
        Vertex src;
        String sourcePath;
        if (from != null && !from.isEmpty()) {
          src = sources.from(from);
          sourcePath = Paths.clean("/" + source);
        } else if (mt == MountType.BIND) {
          src = sources.context(source);
          sourcePath = Paths.clean("/" + source);
        } else {
          src = null;
          sourcePath = null;
        }
        if (mt == MountType.BIND) {
          return Mount.bind(target, src, sourcePath, !readwrite);
        }
        String sharingText = f.getOrDefault("sharing", "shared");
        CacheSharing sharing =
            switch (sharingText == null ? "" : sharingText) {
              case "shared" -> CacheSharing.SHARED;
              case "private" -> CacheSharing.PRIVATE;
              case "locked" -> CacheSharing.LOCKED;
              default ->
                  throw error.apply(
                      "unsupported sharing value '%s': use shared, private or locked",
                      new Object[] {sharingText});
            };
        return Mount.cache(
            target,
            id == null || id.isEmpty() ? target : id,
            sharing,
            src,
            sourcePath,
            readonly,
            uid == null ? 0 : uid,
            gid == null ? 0 : gid,
            mode == null ? 0755 : mode);
      }
      case TMPFS -> {
        if (target == null) {
          throw error.apply("--mount=type=tmpfs needs a target, e.g. target=/tmp", new Object[0]);
        }
        return Mount.tmpfs(target, size(f.get("size"), error));
      }
      case SECRET -> {
        String env = f.get("env");
        if ((id == null || id.isEmpty()) && target == null) {
          throw error.apply("--mount=type=secret needs id=<secret id> or a target", new Object[0]);
        }
        if (id == null || id.isEmpty()) {
          id = target.substring(target.lastIndexOf('/') + 1);
        }
        if (target == null && (env == null || env.isEmpty())) {
          target = "/run/secrets/" + id;
        }
        return Mount.secret(
            id,
            target,
            env,
            bool(f, "required", error),
            uid == null ? 0 : uid,
            gid == null ? 0 : gid,
            mode == null ? 0400 : mode);
      }
      default -> {
        return Mount.ssh(
            id == null || id.isEmpty() ? "default" : id,
            target == null ? "/run/buildkit/ssh_agent." + sshIndex : target,
            bool(f, "required", error),
            uid == null ? 0 : uid,
            gid == null ? 0 : gid,
            mode == null ? 0600 : mode);
      }
    }
  }

  private static boolean bool(
      Map<String, String> f, String key, BiFunction<String, Object[], DockerfileException> error) {
    if (!f.containsKey(key)) {
      return false;
    }
    String v = f.get(key);
    if (v == null || v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw error.apply("invalid value '%s' for %s: use true or false", new Object[] {v, key});
  }

  private static Integer integer(
      Map<String, String> f,
      String key,
      int radix,
      BiFunction<String, Object[], DockerfileException> error) {
    String v = f.get(key);
    if (v == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(v, radix);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw error.apply(
          "invalid %s '%s' in --mount: expected a %s number",
          new Object[] {key, v, radix == 8 ? "octal" : "non-negative"});
    }
  }

  private static long size(String v, BiFunction<String, Object[], DockerfileException> error) {
    if (v == null || v.isEmpty()) {
      return 0;
    }
    String s = v.toLowerCase(Locale.ROOT);
    long unit = 1;
    char last = s.charAt(s.length() - 1);
    int idx = "bkmgt".indexOf(last);
    if (idx >= 0) {
      unit = 1L << (10 * Math.max(0, idx));
      s = s.substring(0, s.length() - 1);
    }
    try {
      long n = Long.parseLong(s);
      if (n < 0 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw error.apply("invalid tmpfs size '%s': use bytes or a k/m/g suffix", new Object[] {v});
    }
  }

  /**
   * The stage or image a mount spec reads as BuildKit's dependency scan sees it, before variables
   * are expanded: its {@code from}, {@code scratch} for a cache mount without one, or null (tmpfs,
   * and mounts of the context, secrets and ssh sockets). BuildKit counts each as a stage of the
   * build when it decides whether step names show the stage.
   */
  static String readsFrom(String spec) {
    String type = "bind";
    String from = null;
    for (String field : csv(spec)) {
      int eq = field.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = field.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (key.equals("type")) {
        type = field.substring(eq + 1);
      } else if (key.equals("from")) {
        from = field.substring(eq + 1);
      }
    }
    if (type.equals("tmpfs")) {
      return null;
    }
    if ((from == null || from.isEmpty()) && type.equals("cache")) {
      return "scratch";
    }
    return from == null || from.isEmpty() ? null : from;
  }

  /** Comma separated fields; double quotes protect commas and are removed. */
  static List<String> csv(String spec) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < spec.length() && spec.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    out.removeIf(String::isBlank);
    return out;
  }
}
