package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.ArgDecl;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.KeyValue;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.image.ContainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The instructions that set the image config or the stage's scope: ENV, LABEL, MAINTAINER, USER,
 * EXPOSE, VOLUME, CMD, ENTRYPOINT, SHELL, STOPSIGNAL, ONBUILD, ARG, and WORKDIR (which also makes
 * the directory). Each writes the history entry BuildKit writes for it.
 */
final class MetadataConverter {

  private static final Pattern PORT =
      Pattern.compile("^(\\d{1,5})(?:-(\\d{1,5}))?(?:/([a-zA-Z]+))?$");
  private static final Set<String> SIGNALS =
      Set.of(
          "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
          "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
          "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
          "RTMIN", "RTMAX");

  private final StageContext ctx;

  /** Whether the stage set CMD itself: ENTRYPOINT then keeps it, else clears the base's. */
  private boolean cmdSet;

  /** Whether the stage set WORKDIR yet: a relative first WORKDIR depends on the base image. */
  private boolean workdirSet;

  MetadataConverter(StageContext ctx) {
    this.ctx = ctx;
  }

  void env(Instruction.Env e) {
    List<String[]> pairs = new ArrayList<>();
    for (KeyValue kv : e.pairs()) {
      String key = ctx.expand(kv.key(), e.meta());
      if (key.isEmpty()) {
        throw new DockerfileException(e.meta().position(), "ENV names can not be blank");
      }
      // every value expands with the ENV before this instruction
      pairs.add(new String[] {key, ctx.expand(kv.value(), e.meta())});
    }
    List<String> env = new ArrayList<>(ctx.config().env());
    StringBuilder createdBy = new StringBuilder("ENV");
    for (String[] p : pairs) {
      setEnv(env, p[0], p[1]);
      ctx.envSet(p[0]);
      createdBy.append(' ').append(p[0]).append('=').append(p[1]);
    }
    ctx.config(ctx.config().withEnv(env));
    ctx.history(createdBy.toString(), true);
  }

  private static void setEnv(List<String> env, String key, String value) {
    for (int i = 0; i < env.size(); i++) {
      String e = env.get(i);
      if (e.equals(key) || e.startsWith(key + "=")) {
        env.set(i, key + "=" + value);
        return;
      }
    }
    env.add(key + "=" + value);
  }

  void label(Instruction.Label l) {
    Map<String, String> labels = new TreeMap<>(ctx.config().labels());
    StringBuilder createdBy = new StringBuilder("LABEL");
    for (KeyValue kv : l.pairs()) {
      String key = ctx.expand(kv.key(), l.meta());
      if (key.isEmpty()) {
        throw new DockerfileException(l.meta().position(), "LABEL names can not be blank");
      }
      String value = ctx.expand(kv.value(), l.meta());
      labels.put(key, value);
      createdBy.append(' ').append(key).append('=').append(value);
    }
    ctx.config(ctx.config().withLabels(labels));
    ctx.history(createdBy.toString(), true);
  }

  void maintainer(Instruction.Maintainer m) {
    ctx.image(ctx.image().withAuthor(m.name()));
    ctx.history("MAINTAINER " + m.name(), true);
  }

  void user(Instruction.User u) {
    String user = ctx.expand(u.user(), u.meta());
    ctx.config(ctx.config().withUser(user));
    ctx.history("USER " + user, true);
  }

  void expose(Instruction.Expose e) {
    Map<String, Map<String, Object>> ports = new TreeMap<>(ctx.config().exposedPorts());
    Set<String> added = new TreeSet<>();
    // a variable's value may hold several ports: BuildKit splits EXPOSE's words after expansion
    List<String> words = new ArrayList<>();
    for (String raw : e.ports()) {
      words.addAll(ctx.expandWords(raw, e.meta()));
    }
    for (String p : words) {
      exposeChecks(p, e.meta());
      // as BuildKit: of docker run's IP:HOST:CONTAINER only the container port counts
      var m = PORT.matcher(p.substring(p.lastIndexOf(':') + 1));
      if (!m.matches()) {
        throw new DockerfileException(
            e.meta().position(), "invalid port \"" + p + "\": use PORT[-END][/tcp|udp|sctp]");
      }
      int start = Integer.parseInt(m.group(1));
      int end = m.group(2) == null ? start : Integer.parseInt(m.group(2));
      String proto = m.group(3) == null ? "tcp" : m.group(3).toLowerCase(Locale.ROOT);
      if (start > 65535
          || end > 65535
          || end < start
          || !Set.of("tcp", "udp", "sctp").contains(proto)) {
        throw new DockerfileException(
            e.meta().position(),
            "invalid port \"" + p + "\": use PORT[-END][/tcp|udp|sctp] with ports up to 65535");
      }
      if (end - start > 65535) {
        throw new DockerfileException(e.meta().position(), "port range too large: " + p);
      }
      for (int port = start; port <= end; port++) {
        ports.put(port + "/" + proto, Map.of());
        added.add(port + "/" + proto);
      }
    }
    ctx.config(ctx.config().withExposedPorts(ports));
    ctx.history(
        "EXPOSE map[" + String.join(" ", added.stream().map(s -> s + ":{}").toList()) + "]", true);
  }

  /** BuildKit's ExposeInvalidFormat and ExposeProtoCasing, for one port as expanded. */
  private void exposeChecks(String port, Instruction.Meta meta) {
    if (port.contains(":")) {
      ctx.warn(
          "ExposeInvalidFormat",
          "EXPOSE instruction should not define an IP address or host-port mapping, found '"
              + port
              + "'",
          meta);
    }
    int slash = port.indexOf('/');
    if (slash >= 0) {
      String proto = port.substring(slash + 1);
      if (!proto.equals(proto.toLowerCase(Locale.ROOT))) {
        ctx.warn(
            "ExposeProtoCasing",
            "Defined protocol '" + port + "' in EXPOSE instruction should be lowercase",
            meta);
      }
    }
  }

  void volume(Instruction.Volume v) {
    Map<String, Map<String, Object>> volumes = new TreeMap<>(ctx.config().volumes());
    List<String> added = new ArrayList<>();
    for (String raw : v.paths()) {
      String p = ctx.expand(raw, v.meta()).strip();
      if (p.isEmpty()) {
        throw new DockerfileException(
            v.meta().position(), "VOLUME specified can not be an empty string");
      }
      volumes.put(p, Map.of());
      added.add(p);
    }
    ctx.config(ctx.config().withVolumes(volumes));
    ctx.history("VOLUME " + GoText.plainList(added), true);
  }

  void cmd(Instruction.Cmd c) {
    List<String> args = ctx.commandArgs(c.command());
    ctx.config(ctx.config().withCmd(args));
    cmdSet = true;
    ctx.history("CMD " + GoText.quotedList(args), true);
  }

  void entrypoint(Instruction.Entrypoint e) {
    List<String> args = ctx.commandArgs(e.command());
    ContainerConfig c = ctx.config().withEntrypoint(args);
    if (!cmdSet) {
      c = c.withCmd(null);
    }
    ctx.config(c);
    ctx.history("ENTRYPOINT " + GoText.quotedList(args), true);
  }

  void shell(Instruction.Shell s) {
    ctx.config(ctx.config().withShell(s.shell()));
    ctx.history("SHELL " + GoText.plainList(s.shell()), true);
  }

  void stopSignal(Instruction.StopSignal s) {
    String signal = ctx.expand(s.signal(), s.meta());
    checkSignal(signal, s.meta());
    ctx.config(ctx.config().withStopSignal(signal));
    ctx.history("STOPSIGNAL " + signal, true);
  }

  private static void checkSignal(String signal, Meta meta) {
    String s = signal.toUpperCase(Locale.ROOT);
    if (s.startsWith("SIG")) {
      s = s.substring(3);
    }
    boolean ok;
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      ok = s.length() <= 3 && Integer.parseInt(s) > 0 && Integer.parseInt(s) <= 64;
    } else {
      ok = SIGNALS.contains(s) || s.matches("RTM(IN|AX)[+-]\\d{1,2}");
    }
    if (!ok) {
      throw new DockerfileException(
          meta.position(),
          "invalid signal \"" + signal + "\": use a name such as SIGTERM or a number");
    }
  }

  void onbuild(Instruction.Onbuild o) {
    List<String> triggers = new ArrayList<>(ctx.config().onBuild());
    triggers.add(o.trigger());
    // BuildKit records the trigger in the config but writes no history entry for it
    ctx.config(ctx.config().withOnBuild(triggers));
  }

  /**
   * ARG in a stage: the build arg of its name, else its default, else the global ARG of that name,
   * else a predefined platform ARG's value.
   */
  void arg(Instruction.Arg a) {
    ConvertRequest req = ctx.request();
    StringBuilder createdBy = new StringBuilder("ARG");
    for (ArgDecl d : a.args()) {
      String value;
      if (req.buildArgs().containsKey(d.name())) {
        value = req.buildArgs().get(d.name());
      } else if (d.defaultValue() != null) {
        value = ctx.expand(d.defaultValue(), a.meta());
      } else {
        value = ctx.dockerfile().globals().value(d.name());
      }
      ctx.declareArg(d.name(), value);
      createdBy.append(' ').append(d.name());
      if (value != null) {
        createdBy.append('=').append(value);
      }
    }
    ctx.history(createdBy.toString(), true);
  }

  void workdir(Instruction.Workdir w) {
    String p = ctx.expand(w.path(), w.meta());
    if (p.isEmpty()) {
      throw new DockerfileException(w.meta().position(), "WORKDIR requires a path");
    }
    if (!p.startsWith("/") && !workdirSet) {
      ctx.warn(
          "WorkdirRelativePath",
          "Relative workdir \"" + p + "\" can have unexpected results if the base image changes",
          w.meta());
    }
    String dir = p.startsWith("/") ? Paths.clean(p) : Paths.join(ctx.config().workingDir(), p);
    workdirSet = true;
    ctx.config(ctx.config().withWorkingDir(dir));
    if (dir.equals("/")) {
      // BuildKit makes no directory (nor step, nor layer) for the root that always exists
      ctx.history("WORKDIR /", true);
      return;
    }
    Owner owner = Owner.parse(ctx.config().user());
    ctx.vertex(
        new FileOp(
            ctx.vertex(),
            List.of(new FileAction.Mkdir(dir, 0755, owner.user(), owner.group(), true)),
            ctx.info(w.meta(), ctx.nextStep() + ctx.stepText(w.meta(), false, Set.of()))));
    ctx.history("WORKDIR " + dir, false);
  }
}
