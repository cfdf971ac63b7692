package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore;
import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.ArgDecl;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Command;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.KeyValue;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import dev.slipway.engine.frontend.dockerfile.parser.DockerfileLexer;
import dev.slipway.engine.frontend.dockerfile.parser.Heredoc;
import dev.slipway.engine.frontend.dockerfile.shell.VariableExpander;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.ExecOp.Mount;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.SourceLocation;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.HealthConfig;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Evaluates a parsed Dockerfile (BuildKit's dockerfile2llb): ARG scoping, variable expansion, stage
 * dependencies, ONBUILD triggers, and one graph vertex per filesystem-changing instruction. Only
 * the target stage and the stages it reads are converted.
 */
final class StageConverter {

  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
  private static final Set<String> PROXY_ARGS =
      Set.of(
          "HTTP_PROXY",
          "http_proxy",
          "HTTPS_PROXY",
          "https_proxy",
          "FTP_PROXY",
          "ftp_proxy",
          "NO_PROXY",
          "no_proxy",
          "ALL_PROXY",
          "all_proxy");
  private static final Pattern CHMOD_OCTAL = Pattern.compile("^[0-7]{1,4}$");
  private static final Pattern CHMOD_SYMBOLIC =
      Pattern.compile("^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$");
  private static final Pattern PORT =
      Pattern.compile("^(\\d{1,5})(?:-(\\d{1,5}))?(?:/([a-zA-Z]+))?$");
  private static final Set<String> SIGNALS =
      Set.of(
          "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
          "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
          "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
          "RTMIN", "RTMAX");

  private final ConvertRequest req;
  private final Dockerfile df;
  private final VariableExpander expander;
  private final List<BuildWarning> warnings = new ArrayList<>();
  private final Map<String, String> builtins = new LinkedHashMap<>();
  private final Map<String, String> globals = new LinkedHashMap<>();
  private final Map<Integer, Result> converted = new HashMap<>();
  private final Set<Integer> inProgress = new LinkedHashSet<>();
  private final Map<String, Integer> stageByName = new HashMap<>();
  private final boolean labelSteps;

  /** A converted stage: its final filesystem and image config. */
  private record Result(Vertex vertex, ImageConfig image, Platform platform) {}

  StageConverter(ConvertRequest req, Dockerfile df) {
    this.req = req;
    this.df = df;
    this.expander = new VariableExpander(df.directives().escape());
    Platform t = req.targetPlatform();
    Platform b = req.buildPlatform();
    builtins.put("TARGETPLATFORM", t.toString());
    builtins.put("TARGETOS", t.os());
    builtins.put("TARGETARCH", t.architecture());
    builtins.put("TARGETVARIANT", t.variant());
    builtins.put("BUILDPLATFORM", b.toString());
    builtins.put("BUILDOS", b.os());
    builtins.put("BUILDARCH", b.architecture());
    builtins.put("BUILDVARIANT", b.variant());
    for (Stage s : df.stages()) {
      if (s.name() != null) {
        stageByName.put(s.name(), s.index());
      }
    }
    this.labelSteps = df.stages().size() > 1 || readsOtherSources(df.stages().get(0));
  }

  /**
   * Whether the only stage reads anything BuildKit counts as another stage: an image or the scratch
   * a cache mount starts from. BuildKit leaves the stage out of step names only when the build has
   * a single stage in that sense, so {@code FROM a / RUN --mount=type=cache,...} still shows {@code
   * [stage-0 2/2]}.
   */
  private boolean readsOtherSources(Stage only) {
    for (Instruction i : only.commands()) {
      if (i instanceof Instruction.Copy c
          && c.from() != null
          && !c.from().isEmpty()
          && !c.from().chars().allMatch(Character::isDigit)
          && !stageByName.containsKey(c.from().toLowerCase(Locale.ROOT))) {
        return true;
      }
      if (i instanceof Instruction.Run r) {
        for (String spec : r.mounts()) {
          String from = RunMounts.readsFrom(spec);
          if (from != null && !stageByName.containsKey(from.toLowerCase(Locale.ROOT))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  BuildDefinition convert() {
    warnings.addAll(df.warnings());
    for (Instruction.Arg arg : df.metaArgs()) {
      for (ArgDecl d : arg.args()) {
        String value;
        if (req.buildArgs().containsKey(d.name())) {
          value = req.buildArgs().get(d.name());
        } else if (d.defaultValue() != null) {
          value = expandGlobal(d.defaultValue(), arg.meta(), "UndefinedVar");
        } else {
          value = builtins.get(d.name());
        }
        globals.put(d.name(), value);
      }
    }
    int target = df.stages().size() - 1;
    if (req.target() != null && !req.target().isEmpty()) {
      Integer idx = stageByName.get(req.target().toLowerCase(Locale.ROOT));
      if (idx == null) {
        List<String> names = df.stages().stream().map(Stage::name).filter(n -> n != null).toList();
        throw new DockerfileException(
            new SourcePosition(df.fileName(), 1, 1),
            "target stage \""
                + req.target()
                + "\" could not be found"
                + (names.isEmpty()
                    ? ": the Dockerfile names no stage (name one with FROM <image> AS <name>)"
                    : "; choose one of: " + String.join(", ", names)));
      }
      target = idx;
    }
    Result result = stage(target);
    ImageConfig image = result.image();
    if (!req.labels().isEmpty()) {
      Map<String, String> labels = new TreeMap<>(image.config().labels());
      labels.putAll(req.labels());
      image = image.withConfig(image.config().withLabels(labels));
    }
    List<BuildWarning> kept = new ArrayList<>();
    for (BuildWarning w : warnings) {
      if (df.directives().checkEnabled(w.rule())) {
        kept.add(w);
      }
    }
    if (df.directives().checksAreErrors() && !kept.isEmpty()) {
      BuildWarning first = kept.get(0);
      throw new DockerfileException(
          first.position(),
          first.rule()
              + ": "
              + first.message()
              + " (an error because of the check=error=true directive)");
    }
    int steps =
        (int)
            Graph.topologicalOrder(result.vertex()).stream()
                .filter(v -> !(v instanceof SourceOp.Scratch))
                .count();
    return new BuildDefinition(result.vertex(), image, kept, steps);
  }

  private String globalLookup(String name) {
    if (globals.containsKey(name)) {
      return globals.get(name);
    }
    return builtins.get(name);
  }

  /**
   * Expands a word of the global scope (meta ARGs and the platform args), reporting undefined names
   * under {@code rule}: {@code UndefinedArgInFrom} in FROM, {@code UndefinedVar} elsewhere.
   */
  private String expandGlobal(String word, Instruction.Meta meta, String rule) {
    VariableExpander.Result r;
    try {
      r = expander.expand(word, this::globalLookup);
    } catch (VariableExpander.ExpansionException e) {
      throw new DockerfileException(meta.position(), e.getMessage() + " in \"" + word + "\"");
    }
    for (String name : r.undefined()) {
      warnings.add(
          new BuildWarning(
              rule,
              rule.equals("UndefinedArgInFrom")
                  ? "FROM argument '" + name + "' is not declared: add ARG " + name + " before FROM"
                  : "Usage of undefined variable '$" + name + "': declare it with ARG",
              meta.position()));
    }
    return r.value();
  }

  // ---- stages ----

  private Result stage(int index) {
    Result done = converted.get(index);
    if (done != null) {
      return done;
    }
    Stage stage = df.stages().get(index);
    if (!inProgress.add(index)) {
      throw new DockerfileException(
          stage.from().meta().position(),
          "circular dependency detected on stage "
              + stage.label()
              + ": a stage cannot read itself");
    }
    Result r = new StageState(stage).run();
    inProgress.remove(index);
    converted.put(index, r);
    return r;
  }

  /** A stage named (case-insensitive) or numbered {@code ref}, or -1 for an image reference. */
  private int stageIndex(String ref, Instruction.Meta meta) {
    Integer byName = stageByName.get(ref.toLowerCase(Locale.ROOT));
    if (byName != null) {
      return byName;
    }
    if (!ref.isEmpty() && ref.chars().allMatch(Character::isDigit)) {
      if (ref.length() > 6 || Integer.parseInt(ref) >= df.stages().size()) {
        throw new DockerfileException(
            meta.position(),
            "invalid stage index "
                + ref
                + ": the Dockerfile has "
                + df.stages().size()
                + " stages");
      }
      return Integer.parseInt(ref);
    }
    return -1;
  }

  private String normalizeImage(String ref, Instruction.Meta meta) {
    try {
      return ImageReference.normalize(ref);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(
          meta.position(), "invalid image reference \"" + ref + "\": " + e.getMessage());
    }
  }

  /** The mutable state of one stage while its instructions are dispatched. */
  private final class StageState {
    final Stage stage;
    Platform platform;
    Vertex vertex;
    ImageConfig image;
    final Map<String, String> args = new LinkedHashMap<>();
    boolean cmdSet;
    boolean workdirSet;

    /** BuildKit's step counter: steps named so far, and how many the stage announces. */
    int step;

    int total;
    boolean inTrigger;
    final boolean ignoreCache;
    int sshMounts;

    StageState(Stage stage) {
      this.stage = stage;
      this.ignoreCache =
          req.noCache()
              || (stage.name() != null
                  && req.noCacheStages().stream().anyMatch(s -> s.equalsIgnoreCase(stage.name())));
    }

    ContainerConfig cfg() {
      return image.config();
    }

    void cfg(ContainerConfig c) {
      image = image.withConfig(c);
    }

    /**
     * Takes the next step number and returns the prefix BuildKit names the step with, e.g. {@code
     * [build 2/3] } or {@code [ 2/12] }: the stage unless it is the build's only one, the number
     * padded with spaces to the total's width, and {@code ONBUILD} for a trigger.
     */
    String nextStep() {
      if (total == 0) {
        return "";
      }
      step++;
      String width = Integer.toString(Integer.toString(total).length());
      return "["
          + (labelSteps ? stage.label() + " " : "")
          + String.format(Locale.ROOT, "%" + width + "d/%d] ", step, total)
          + (inTrigger ? "ONBUILD " : "");
    }

    VertexInfo info(Instruction.Meta meta, String name) {
      return new VertexInfo(
          name,
          new SourceLocation(df.fileName(), meta.position().line(), meta.endLine()),
          ignoreCache);
    }

    String lookup(String name) {
      String env = cfg().envValue(name);
      if (env != null) {
        return env;
      }
      return args.get(name);
    }

    boolean declared(String name) {
      return cfg().envValue(name) != null || args.containsKey(name);
    }

    String expand(String word, Instruction.Meta meta) {
      VariableExpander.Result r;
      try {
        r = expander.expand(word, this::lookup);
      } catch (VariableExpander.ExpansionException e) {
        throw new DockerfileException(meta.position(), e.getMessage() + " in \"" + word + "\"");
      }
      for (String name : r.undefined()) {
        if (!declared(name) && !PROXY_ARGS.contains(name)) {
          warnings.add(
              new BuildWarning(
                  "UndefinedVar",
                  "Usage of undefined variable '$" + name + "': declare it with ARG or ENV",
                  meta.position()));
        }
      }
      return r.value();
    }

    /**
     * A step's text as BuildKit shows it: the instruction as written, its variables expanded and
     * its keyword in upper case, flags included. RUN keeps quotes and undefined references as
     * written, and shows secrets given as environment variables as {@code ****}; text that does not
     * expand is shown as written.
     */
    String stepText(Instruction.Meta meta, boolean run, Set<String> secretEnv) {
      String text;
      try {
        text =
            run
                ? expander.expandKeepingQuotes(
                    meta.original(), n -> secretEnv.contains(n) ? "****" : lookup(n))
                : expander.expand(meta.original(), this::lookup).value();
      } catch (VariableExpander.ExpansionException e) {
        text = meta.original();
      }
      int space = text.indexOf(' ');
      return space < 0
          ? text.toUpperCase(Locale.ROOT)
          : text.substring(0, space).toUpperCase(Locale.ROOT) + text.substring(space);
    }

    void history(String createdBy, boolean emptyLayer) {
      image =
          image.withHistory(
              new HistoryEntry(
                  null, createdBy, null, emptyLayer ? null : "buildkit.dockerfile.v0", emptyLayer));
    }

    Result run() {
      Instruction.From from = stage.from();
      Instruction.Meta meta = from.meta();
      String ref = expandGlobal(from.image(), meta, "UndefinedArgInFrom");
      if (ref.isEmpty()) {
        throw new DockerfileException(
            meta.position(), "base name (" + from.image() + ") should not be blank");
      }
      platform = req.targetPlatform();
      if (from.platform() != null) {
        String p = expandGlobal(from.platform(), meta, "UndefinedArgInFrom");
        try {
          platform = Platform.parse(p);
        } catch (IllegalArgumentException e) {
          throw new DockerfileException(meta.position(), e.getMessage());
        }
        if (!from.platform().contains("$")) {
          warnings.add(
              new BuildWarning(
                  "FromPlatformFlagConstDisallowed",
                  "FROM --platform flag should not use a constant value (" + from.platform() + ")",
                  meta.position()));
        } else if (from.platform().matches("\\$\\{?TARGETPLATFORM}?")) {
          warnings.add(
              new BuildWarning(
                  "RedundantTargetPlatform",
                  "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is"
                      + " the default behavior",
                  meta.position()));
        }
      }
      List<Instruction> commands = stage.commands();
      String resolvedImage = null;
      Integer baseStage = stageByName.get(ref.toLowerCase(Locale.ROOT));
      if (baseStage != null && baseStage != stage.index()) {
        Result base = stage(baseStage);
        vertex = base.vertex();
        image = base.image();
      } else if (ref.equalsIgnoreCase("scratch")) {
        vertex = new SourceOp.Scratch(VertexInfo.named("scratch"));
        // BuildKit's empty image: working directory / and the default PATH
        image = ImageConfig.scratch(platform);
        image =
            image.withConfig(
                image.config().withWorkingDir("/").withEnv(List.of("PATH=" + DEFAULT_PATH)));
      } else {
        String resolved = normalizeImage(ref, meta);
        ImageConfig base = req.resolver().resolve(resolved, platform);
        image =
            new ImageConfig(
                null,
                base.author(),
                platform.architecture(),
                platform.os(),
                platform.variant().isEmpty() ? null : platform.variant(),
                base.config(),
                base.rootfs(),
                base.history());
        resolvedImage = resolved;
      }
      // BuildKit announces a step for the FROM of an image, each RUN, COPY, ADD and WORKDIR, and
      // every ONBUILD trigger whatever it is, though a WORKDIR / or trigger such as ENV names none
      total = resolvedImage != null ? 1 : 0;
      for (Instruction i : commands) {
        if (i instanceof Instruction.Run
            || i instanceof Instruction.Copy
            || i instanceof Instruction.Workdir) {
          total++;
        }
      }
      List<Instruction> triggers = List.of();
      if (!cfg().onBuild().isEmpty()) {
        triggers = Dockerfile.parseTriggers(cfg().onBuild(), meta.position());
        total += triggers.size();
        cfg(cfg().withOnBuild(List.of()));
      }
      if (resolvedImage != null) {
        vertex =
            new SourceOp.Image(
                ref, resolvedImage, platform, info(meta, nextStep() + "FROM " + resolvedImage));
      }
      inTrigger = true;
      triggers.forEach(this::dispatch);
      inTrigger = false;
      commands.forEach(this::dispatch);
      return new Result(vertex, image, platform);
    }

    void dispatch(Instruction instruction) {
      switch (instruction) {
        case Instruction.From f -> throw new IllegalStateException("FROM inside a stage");
        case Instruction.Run r -> run(r);
        case Instruction.Cmd c -> {
          List<String> args = commandArgs(c.command());
          cfg(cfg().withCmd(args));
          cmdSet = true;
          history("CMD " + GoText.quotedList(args), true);
        }
        case Instruction.Entrypoint e -> {
          List<String> args = commandArgs(e.command());
          ContainerConfig c = cfg().withEntrypoint(args);
          if (!cmdSet) {
            c = c.withCmd(null);
          }
          cfg(c);
          history("ENTRYPOINT " + GoText.quotedList(args), true);
        }
        case Instruction.Env e -> env(e);
        case Instruction.Label l -> label(l);
        case Instruction.Maintainer m -> {
          image = image.withAuthor(m.name());
          history("MAINTAINER " + m.name(), true);
        }
        case Instruction.Expose e -> expose(e);
        case Instruction.Copy c -> copy(c);
        case Instruction.Volume v -> volume(v);
        case Instruction.User u -> {
          String user = expand(u.user(), u.meta());
          cfg(cfg().withUser(user));
          history("USER " + user, true);
        }
        case Instruction.Workdir w -> workdir(w);
        case Instruction.Arg a -> arg(a);
        case Instruction.Onbuild o -> {
          List<String> triggers = new ArrayList<>(cfg().onBuild());
          triggers.add(o.trigger());
          // BuildKit records the trigger in the config but writes no history entry for it
          cfg(cfg().withOnBuild(triggers));
        }
        case Instruction.StopSignal s -> {
          String signal = expand(s.signal(), s.meta());
          checkSignal(signal, s.meta());
          cfg(cfg().withStopSignal(signal));
          history("STOPSIGNAL " + signal, true);
        }
        case Instruction.Healthcheck h -> healthcheck(h);
        case Instruction.Shell s -> {
          cfg(cfg().withShell(s.shell()));
          history("SHELL " + GoText.plainList(s.shell()), true);
        }
      }
    }

    List<String> shell() {
      return cfg().shell() != null && !cfg().shell().isEmpty() ? cfg().shell() : DEFAULT_SHELL;
    }

    List<String> commandArgs(Command c) {
      if (c.json()) {
        return c.args();
      }
      List<String> args = new ArrayList<>(shell());
      args.add(c.args().get(0));
      return args;
    }

    /** ARGs in scope with a value, in declaration order, excluding ENV-shadowed names. */
    Map<String, String> argValues() {
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, String> a : args.entrySet()) {
        if (a.getValue() != null && cfg().envValue(a.getKey()) == null) {
          out.put(a.getKey(), a.getValue());
        }
      }
      return out;
    }

    void run(Instruction.Run r) {
      Instruction.Meta meta = r.meta();
      List<Mount> mounts = new ArrayList<>();
      String cwd =
          cfg().workingDir() == null || cfg().workingDir().isEmpty() ? "/" : cfg().workingDir();
      for (String spec : r.mounts()) {
        mounts.add(
            RunMounts.parse(
                spec,
                v -> expand(v, meta),
                cwd,
                sshMounts,
                new RunMounts.Sources() {
                  @Override
                  public Vertex from(String from) {
                    return fromSource(from, meta);
                  }

                  @Override
                  public Vertex context(String sourcePath) {
                    String p = DockerIgnore.cleanPath(sourcePath);
                    List<String> include = p.equals(".") ? List.of() : List.of(p);
                    return new SourceOp.Context(
                        "context",
                        include,
                        req.ignorePatterns(),
                        include,
                        VertexInfo.named("[internal] load build context"));
                  }
                },
                (fmt, a) -> new DockerfileException(meta.position(), String.format(fmt, a))));
        if (mounts.get(mounts.size() - 1).type() == ExecOp.MountType.SSH) {
          sshMounts++;
        }
      }
      ExecOp.NetworkMode network = ExecOp.NetworkMode.DEFAULT;
      if (r.network() != null) {
        network =
            switch (expand(r.network(), meta)) {
              case "default" -> ExecOp.NetworkMode.DEFAULT;
              case "none" -> ExecOp.NetworkMode.NONE;
              case "host" -> ExecOp.NetworkMode.HOST;
              default ->
                  throw new DockerfileException(
                      meta.position(),
                      "unsupported network mode \""
                          + r.network()
                          + "\": use default, none or host");
            };
      }
      ExecOp.SecurityMode security = ExecOp.SecurityMode.SANDBOX;
      if (r.security() != null) {
        security =
            switch (expand(r.security(), meta)) {
              case "sandbox" -> ExecOp.SecurityMode.SANDBOX;
              case "insecure" -> ExecOp.SecurityMode.INSECURE;
              default ->
                  throw new DockerfileException(
                      meta.position(),
                      "unsupported security mode \""
                          + r.security()
                          + "\": use sandbox or insecure");
            };
      }
      List<String> argv;
      Command c = r.command();
      if (c.json()) {
        argv = c.args();
      } else if (!r.heredocs().isEmpty()) {
        argv = heredocCommand(r, mounts, meta);
      } else {
        argv = commandArgs(c);
      }
      Map<String, String> argValues = argValues();
      List<String> env = new ArrayList<>(cfg().env());
      argValues.forEach((k, v) -> env.add(k + "=" + v));
      for (String proxy : PROXY_ARGS) {
        if (req.buildArgs().containsKey(proxy)
            && !argValues.containsKey(proxy)
            && cfg().envValue(proxy) == null) {
          env.add(proxy + "=" + req.buildArgs().get(proxy));
        }
      }
      String user = cfg().user() == null ? "" : cfg().user();
      Set<String> secretEnv = new HashSet<>();
      for (Mount m : mounts) {
        if (m.type() == ExecOp.MountType.SECRET && m.envName() != null) {
          secretEnv.add(m.envName());
        }
      }
      String text = stepText(meta, true, secretEnv);
      if (!r.heredocs().isEmpty() && DockerfileLexer.marker(c.args().get(0).strip()) != null) {
        text += " (" + heredocSummary(r.heredocs().get(0)) + ")";
      }
      vertex =
          new ExecOp(
              vertex,
              argv,
              env,
              cwd,
              user,
              network,
              security,
              req.extraHosts(),
              mounts,
              platform,
              info(meta, nextStep() + text));
      StringBuilder createdBy = new StringBuilder("RUN ");
      Map<String, String> shown = new LinkedHashMap<>(argValues);
      shown.keySet().removeAll(PROXY_ARGS);
      if (!shown.isEmpty()) {
        createdBy.append('|').append(shown.size());
        shown.forEach((k, v) -> createdBy.append(' ').append(k).append('=').append(v));
        createdBy.append(' ');
      }
      createdBy.append(String.join(" ", argv)).append(" # buildkit");
      history(createdBy.toString(), false);
    }

    /**
     * A RUN whose only word is one heredoc runs its body as the script (through a mounted file when
     * it starts with a shebang); otherwise the heredocs go to the shell with the command line.
     */
    List<String> heredocCommand(Instruction.Run r, List<Mount> mounts, Instruction.Meta meta) {
      String line = r.command().args().get(0).strip();
      DockerfileLexer.Marker marker = DockerfileLexer.marker(line);
      if (r.heredocs().size() == 1 && marker != null) {
        Heredoc h = r.heredocs().get(0);
        if (h.content().startsWith("#!")) {
          Vertex script =
              new FileOp(
                  new SourceOp.Scratch(VertexInfo.named("scratch")),
                  List.of(new FileAction.Mkfile("/" + h.name(), 0755, h.content(), null, null)),
                  VertexInfo.named("[internal] heredoc " + h.name()));
          mounts.add(Mount.bind("/dev/pipes", script, "/", true));
          return List.of("/dev/pipes/" + h.name());
        }
        List<String> args = new ArrayList<>(shell());
        args.add(h.content());
        return args;
      }
      StringBuilder script = new StringBuilder(r.command().args().get(0));
      for (Heredoc h : r.heredocs()) {
        script.append('\n').append(h.content()).append(h.name());
      }
      List<String> args = new ArrayList<>(shell());
      args.add(script.toString());
      return args;
    }

    void env(Instruction.Env e) {
      List<String[]> pairs = new ArrayList<>();
      for (KeyValue kv : e.pairs()) {
        String key = expand(kv.key(), e.meta());
        if (key.isEmpty()) {
          throw new DockerfileException(e.meta().position(), "ENV names can not be blank");
        }
        pairs.add(new String[] {key, expand(kv.value(), e.meta())});
      }
      List<String> env = new ArrayList<>(cfg().env());
      StringBuilder createdBy = new StringBuilder("ENV");
      for (String[] p : pairs) {
        setEnv(env, p[0], p[1]);
        createdBy.append(' ').append(p[0]).append('=').append(p[1]);
      }
      cfg(cfg().withEnv(env));
      history(createdBy.toString(), true);
    }

    void label(Instruction.Label l) {
      Map<String, String> labels = new TreeMap<>(cfg().labels());
      StringBuilder createdBy = new StringBuilder("LABEL");
      for (KeyValue kv : l.pairs()) {
        String key = expand(kv.key(), l.meta());
        if (key.isEmpty()) {
          throw new DockerfileException(l.meta().position(), "LABEL names can not be blank");
        }
        String value = expand(kv.value(), l.meta());
        labels.put(key, value);
        createdBy.append(' ').append(key).append('=').append(value);
      }
      cfg(cfg().withLabels(labels));
      history(createdBy.toString(), true);
    }

    void expose(Instruction.Expose e) {
      Map<String, Map<String, Object>> ports = new TreeMap<>(cfg().exposedPorts());
      Set<String> added = new TreeSet<>();
      for (String raw : e.ports()) {
        String p = expand(raw, e.meta());
        var m = PORT.matcher(p);
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
      cfg(cfg().withExposedPorts(ports));
      history(
          "EXPOSE map[" + String.join(" ", added.stream().map(s -> s + ":{}").toList()) + "]",
          true);
    }

    void volume(Instruction.Volume v) {
      Map<String, Map<String, Object>> volumes = new TreeMap<>(cfg().volumes());
      List<String> added = new ArrayList<>();
      for (String raw : v.paths()) {
        String p = expand(raw, v.meta()).strip();
        if (p.isEmpty()) {
          throw new DockerfileException(
              v.meta().position(), "VOLUME specified can not be an empty string");
        }
        volumes.put(p, Map.of());
        added.add(p);
      }
      cfg(cfg().withVolumes(volumes));
      history("VOLUME " + GoText.plainList(added), true);
    }

    void workdir(Instruction.Workdir w) {
      String p = expand(w.path(), w.meta());
      if (p.isEmpty()) {
        throw new DockerfileException(w.meta().position(), "WORKDIR requires a path");
      }
      if (!p.startsWith("/") && !workdirSet) {
        warnings.add(
            new BuildWarning(
                "WorkdirRelativePath",
                "Relative workdir \""
                    + p
                    + "\" can have unexpected results if the base image"
                    + " changes: use an absolute path",
                w.meta().position()));
      }
      String dir = p.startsWith("/") ? Paths.clean(p) : Paths.join(cfg().workingDir(), p);
      workdirSet = true;
      cfg(cfg().withWorkingDir(dir));
      if (dir.equals("/")) {
        // BuildKit makes no directory (nor step, nor layer) for the root that always exists
        history("WORKDIR /", true);
        return;
      }
      String[] owner = owner(cfg().user());
      vertex =
          new FileOp(
              vertex,
              List.of(new FileAction.Mkdir(dir, 0755, owner[0], owner[1], true)),
              info(w.meta(), nextStep() + stepText(w.meta(), false, Set.of())));
      history("WORKDIR " + dir, false);
    }

    void arg(Instruction.Arg a) {
      StringBuilder createdBy = new StringBuilder("ARG");
      for (ArgDecl d : a.args()) {
        String value;
        if (req.buildArgs().containsKey(d.name())) {
          value = req.buildArgs().get(d.name());
        } else if (d.defaultValue() != null) {
          value = expand(d.defaultValue(), a.meta());
        } else if (globals.containsKey(d.name())) {
          value = globals.get(d.name());
        } else {
          value = builtins.get(d.name());
        }
        args.put(d.name(), value);
        createdBy.append(' ').append(d.name());
        if (value != null) {
          createdBy.append('=').append(value);
        }
      }
      history(createdBy.toString(), true);
    }

    void healthcheck(Instruction.Healthcheck h) {
      Instruction.Meta meta = h.meta();
      List<String> test;
      if (h.test() == null) {
        test = List.of("NONE");
      } else if (h.test().json()) {
        test = new ArrayList<>();
        test.add("CMD");
        test.addAll(h.test().args());
      } else {
        test = List.of("CMD-SHELL", h.test().args().get(0));
      }
      long interval = duration("interval", h.interval(), meta);
      long timeout = duration("timeout", h.timeout(), meta);
      long startPeriod = duration("start-period", h.startPeriod(), meta);
      long startInterval = duration("start-interval", h.startInterval(), meta);
      int retries = 0;
      if (h.retries() != null) {
        try {
          retries = Integer.parseInt(h.retries());
        } catch (NumberFormatException e) {
          throw new DockerfileException(
              meta.position(), "invalid --retries \"" + h.retries() + "\": expected a number");
        }
        if (retries < 0) {
          throw new DockerfileException(meta.position(), "--retries cannot be negative");
        }
      }
      cfg(
          cfg()
              .withHealthcheck(
                  new HealthConfig(test, interval, timeout, startPeriod, startInterval, retries)));
      history(
          "HEALTHCHECK &{"
              + GoText.quotedList(test)
              + " "
              + GoText.quote(GoText.duration(interval))
              + " "
              + GoText.quote(GoText.duration(timeout))
              + " "
              + GoText.quote(GoText.duration(startPeriod))
              + " '\\x"
              + String.format("%02x", retries & 0xff)
              + "'}",
          true);
    }

    long duration(String flag, String value, Instruction.Meta meta) {
      if (value == null) {
        return 0;
      }
      long nanos;
      try {
        nanos = GoText.parseDuration(value);
      } catch (IllegalArgumentException e) {
        throw new DockerfileException(meta.position(), "--" + flag + ": " + e.getMessage());
      }
      if (nanos != 0 && nanos < 1_000_000) {
        throw new DockerfileException(
            meta.position(), "--" + flag + " \"" + value + "\" cannot be less than 1ms");
      }
      return nanos;
    }

    void checkSignal(String signal, Instruction.Meta meta) {
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

    /** The vertex {@code COPY --from} / {@code RUN --mount=from=} reads: a stage or an image. */
    Vertex fromSource(String fromRaw, Instruction.Meta meta) {
      String from = expand(fromRaw, meta);
      if (from.isEmpty()) {
        throw new DockerfileException(
            meta.position(), "--from requires a stage name, index or image");
      }
      int idx = stageIndex(from, meta);
      if (idx == stage.index()) {
        throw new DockerfileException(
            meta.position(),
            "circular dependency: stage " + stage.label() + " cannot read itself with --from");
      }
      if (idx >= 0) {
        return stage(idx).vertex();
      }
      if (from.equalsIgnoreCase("scratch")) {
        return new SourceOp.Scratch(VertexInfo.named("scratch"));
      }
      String resolved = normalizeImage(from, meta);
      return new SourceOp.Image(
          from, resolved, platform, VertexInfo.named("[internal] load " + resolved));
    }

    void copy(Instruction.Copy c) {
      Instruction.Meta meta = c.meta();
      String kw = c.add() ? "ADD" : "COPY";
      String chown = c.chown() == null ? null : expand(c.chown(), meta);
      String[] owner = owner(chown);
      String chmod = c.chmod() == null ? null : expand(c.chmod(), meta);
      if (chmod != null
          && !CHMOD_OCTAL.matcher(chmod).matches()
          && !CHMOD_SYMBOLIC.matcher(chmod).matches()) {
        throw new DockerfileException(
            meta.position(),
            "invalid --chmod \"" + chmod + "\": use an octal mode such as 0755 or u+x");
      }
      List<String> excludes = new ArrayList<>();
      for (String e : c.excludes()) {
        excludes.add(expand(e, meta));
      }
      String destRaw = expand(c.dest(), meta);
      String workdir =
          cfg().workingDir() == null || cfg().workingDir().isEmpty() ? "/" : cfg().workingDir();
      String dest = destRaw.startsWith("/") ? destRaw : Paths.join(workdir, destRaw);
      if (destRaw.isEmpty()
          || destRaw.equals(".")
          || destRaw.endsWith("/")
          || destRaw.endsWith("/.")) {
        dest = dest.endsWith("/") ? dest : dest + "/";
      }
      Vertex fromVertex = c.from() == null ? null : fromSource(c.from(), meta);
      Map<String, Heredoc> heredocs = new HashMap<>();
      for (Heredoc h : c.heredocs()) {
        heredocs.put(h.name(), h);
      }
      List<FileAction> actions = new ArrayList<>();
      List<String> local = new ArrayList<>();
      List<String> shown = new ArrayList<>();
      boolean anyHttp = false;
      for (String raw : c.sources()) {
        DockerfileLexer.Marker marker = DockerfileLexer.marker(raw);
        if (marker != null && heredocs.containsKey(marker.name())) {
          Heredoc h = heredocs.get(marker.name());
          String content = h.expand() ? expand(h.content(), meta) : h.content();
          int mode =
              chmod != null && CHMOD_OCTAL.matcher(chmod).matches()
                  ? Integer.parseInt(chmod, 8)
                  : 0644;
          Vertex file =
              new FileOp(
                  new SourceOp.Scratch(VertexInfo.named("scratch")),
                  List.of(new FileAction.Mkfile("/" + h.name(), mode, content, null, null)),
                  VertexInfo.named("[internal] heredoc " + h.name()));
          actions.add(
              copyAction(c, file, "/" + h.name(), dest, owner, chmod, excludes, false, false));
          shown.add(raw);
          continue;
        }
        String src = expand(raw, meta);
        if (src.isEmpty()) {
          throw new DockerfileException(meta.position(), kw + " source can not be an empty string");
        }
        shown.add(src);
        if (fromVertex != null) {
          actions.add(
              copyAction(
                  c,
                  fromVertex,
                  Paths.clean("/" + src),
                  dest,
                  owner,
                  chmod,
                  excludes,
                  true,
                  false));
        } else if (isGit(src)) {
          if (!c.add()) {
            throw new DockerfileException(
                meta.position(), "COPY cannot read a git repository: use ADD " + src);
          }
          actions.add(
              copyAction(
                  c, gitSource(src, c, meta), "/", dest, owner, chmod, excludes, false, false));
        } else if (src.startsWith("http://") || src.startsWith("https://")) {
          if (!c.add()) {
            throw new DockerfileException(
                meta.position(),
                "source can't be a URL for COPY: use ADD " + src + " (or RUN curl)");
          }
          anyHttp = true;
          String filename =
              dest.endsWith("/") ? urlFilename(src) : dest.substring(dest.lastIndexOf('/') + 1);
          Integer mode =
              chmod != null && CHMOD_OCTAL.matcher(chmod).matches()
                  ? Integer.parseInt(chmod, 8)
                  : null;
          String checksum = c.checksum() == null ? null : expand(c.checksum(), meta);
          Vertex http =
              new SourceOp.Http(
                  src, checksum, filename, mode, VertexInfo.named("[internal] load " + src));
          actions.add(
              copyAction(c, http, "/" + filename, dest, owner, chmod, excludes, false, false));
        } else {
          local.add(src);
        }
      }
      if (c.checksum() != null && (!anyHttp || c.sources().size() != 1)) {
        throw new DockerfileException(
            meta.position(), "--checksum needs exactly one http(s) source");
      }
      if (!local.isEmpty()) {
        List<String> include = new ArrayList<>();
        boolean all = false;
        for (String src : local) {
          String p = DockerIgnore.cleanPath(src);
          all |= p.equals(".") || p.equals("..") || p.startsWith("../");
          include.add(p);
        }
        List<String> exclude = new ArrayList<>(req.ignorePatterns());
        exclude.addAll(excludes);
        Vertex context =
            new SourceOp.Context(
                "context",
                all ? List.of() : include,
                exclude,
                all ? List.of() : include,
                VertexInfo.named("[internal] load build context"));
        for (String src : local) {
          actions.add(
              copyAction(
                  c, context, Paths.clean("/" + src), dest, owner, chmod, excludes, true, c.add()));
        }
      }
      String step = nextStep();
      String text = stepText(meta, false, Set.of());
      Vertex base = c.link() ? new SourceOp.Scratch(VertexInfo.named("scratch")) : vertex;
      FileOp op = new FileOp(base, actions, info(meta, step + text));
      // BuildKit names the merge that applies a --link copy after the copy itself, same step
      vertex = c.link() ? new MergeOp(List.of(vertex, op), info(meta, step + "LINK " + text)) : op;
      history(kw + " " + String.join(" ", shown) + " " + destRaw + " # buildkit", false);
    }

    FileAction.Copy copyAction(
        Instruction.Copy c,
        Vertex source,
        String path,
        String dest,
        String[] owner,
        String chmod,
        List<String> excludes,
        boolean wildcard,
        boolean unpack) {
      return new FileAction.Copy(
          source,
          List.of(path),
          dest,
          owner[0],
          owner[1],
          chmod,
          true,
          true,
          true,
          wildcard,
          wildcard,
          excludes,
          c.parents(),
          unpack,
          false);
    }

    Vertex gitSource(String src, Instruction.Copy c, Instruction.Meta meta) {
      String url = src;
      String ref = "";
      String subdir = "";
      int hash = src.indexOf('#');
      if (hash >= 0) {
        url = src.substring(0, hash);
        String fragment = src.substring(hash + 1);
        int colon = fragment.indexOf(':');
        ref = colon < 0 ? fragment : fragment.substring(0, colon);
        subdir = colon < 0 ? "" : fragment.substring(colon + 1);
      }
      if (c.checksum() != null) {
        ref = expand(c.checksum(), meta);
      }
      return new SourceOp.Git(
          url, ref, subdir, c.keepGitDir(), VertexInfo.named("[internal] load git source " + url));
    }
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

  /** {@code user[:group]} split, nulls when absent. */
  static String[] owner(String chown) {
    if (chown == null || chown.isEmpty()) {
      return new String[] {null, null};
    }
    int colon = chown.indexOf(':');
    if (colon < 0) {
      return new String[] {chown, null};
    }
    String group = chown.substring(colon + 1);
    return new String[] {chown.substring(0, colon), group.isEmpty() ? null : group};
  }

  /** A heredoc's first line, with {@code ...} when more follow (BuildKit's RUN step text). */
  static String heredocSummary(Heredoc h) {
    String[] lines = h.content().strip().split("\\r?\\n", -1);
    return lines.length > 1 ? lines[0] + "..." : lines[0];
  }

  static boolean isGit(String src) {
    if (src.startsWith("git@") || src.startsWith("git://") || src.startsWith("ssh://")) {
      return true;
    }
    if (src.startsWith("http://") || src.startsWith("https://")) {
      String noFragment = src.contains("#") ? src.substring(0, src.indexOf('#')) : src;
      return noFragment.endsWith(".git");
    }
    return false;
  }

  static String urlFilename(String url) {
    String path = url.replaceFirst("^[a-z]+://[^/]*", "");
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    int hash = path.indexOf('#');
    if (hash >= 0) {
      path = path.substring(0, hash);
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.isEmpty() ? "__unnamed__" : name;
  }
}
