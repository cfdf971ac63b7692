package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Command;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import dev.slipway.engine.frontend.dockerfile.shell.VariableExpander;
import dev.slipway.engine.graph.SourceLocation;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.ImageConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One stage while its instructions convert: the graph vertex built so far, the image config, the
 * stage's ARG values, and what every instruction needs from them: variable expansion in the stage's
 * ARG and ENV scope, BuildKit's step names, source locations, history entries, warnings, and the
 * vertex a {@code --from} reads.
 */
final class StageContext {

  /** Proxy ARGs BuildKit predefines: never "undefined", passed to RUN but kept out of history. */
  static final Set<String> PROXY_ARGS =
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

  private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

  private final DockerfileConverter dockerfile;
  private final Stage stage;
  private final boolean ignoreCache;

  /** The stage's ARGs (and its base stage's) in declaration order, null when without value. */
  private final Map<String, String> args = new LinkedHashMap<>();

  /**
   * ARG values in the build environment. BuildKit adds an ARG's value to the environment RUN and
   * expansion see (not to the config), so it wins over an earlier ENV of that name until an ENV
   * sets the name again.
   */
  private final Map<String, String> argEnv = new LinkedHashMap<>();

  private Platform platform;
  private Vertex vertex;
  private ImageConfig image;

  /** BuildKit's step counter: steps named so far, and how many the stage announces. */
  private int step;

  private int total;
  private boolean inTrigger;

  StageContext(DockerfileConverter dockerfile, Stage stage) {
    this.dockerfile = dockerfile;
    this.stage = stage;
    ConvertRequest req = dockerfile.request();
    this.ignoreCache =
        req.noCache()
            || (stage.name() != null
                && req.noCacheStages().stream().anyMatch(s -> s.equalsIgnoreCase(stage.name())));
  }

  DockerfileConverter dockerfile() {
    return dockerfile;
  }

  ConvertRequest request() {
    return dockerfile.request();
  }

  Stage stage() {
    return stage;
  }

  Platform platform() {
    return platform;
  }

  void platform(Platform p) {
    platform = p;
  }

  /** The stage's filesystem so far. */
  Vertex vertex() {
    return vertex;
  }

  void vertex(Vertex v) {
    vertex = v;
  }

  ImageConfig image() {
    return image;
  }

  void image(ImageConfig i) {
    image = i;
  }

  ContainerConfig config() {
    return image.config();
  }

  void config(ContainerConfig c) {
    image = image.withConfig(c);
  }

  ConvertedStage result() {
    return new ConvertedStage(
        vertex,
        image,
        platform,
        Collections.unmodifiableMap(new LinkedHashMap<>(args)),
        Collections.unmodifiableMap(new LinkedHashMap<>(argEnv)));
  }

  /**
   * Starts from a base stage's ARGs, as BuildKit does for {@code FROM <stage>}: they stay declared
   * and keep their values, except where the config's ENV sets the name (BuildKit re-applies the
   * config's ENV when a stage starts).
   */
  void inheritArgs(ConvertedStage base) {
    args.putAll(base.args());
    argEnv.putAll(base.argEnv());
    argEnv.keySet().removeIf(name -> config().envValue(name) != null);
  }

  /** The working directory RUN and COPY resolve against: the configured one, or {@code /}. */
  String workingDirOrRoot() {
    String dir = config().workingDir();
    return dir == null || dir.isEmpty() ? "/" : dir;
  }

  void warn(String rule, String message, Meta meta) {
    dockerfile.warn(new BuildWarning(rule, message, meta.position()));
  }

  /** Sets how many steps the stage announces (BuildKit's {@code [stage n/total]}). */
  void announceSteps(int total) {
    this.total = total;
  }

  /** Marks the instructions that follow as ONBUILD triggers of the base (or not). */
  void inTrigger(boolean inTrigger) {
    this.inTrigger = inTrigger;
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
        + (dockerfile.platformSteps() ? platform + " " : "")
        + (dockerfile.labelSteps() ? stage.label() + " " : "")
        + String.format(Locale.ROOT, "%" + width + "d/%d] ", step, total)
        + (inTrigger ? "ONBUILD " : "");
  }

  VertexInfo info(Meta meta, String name) {
    return new VertexInfo(
        name,
        new SourceLocation(dockerfile.fileName(), meta.position().line(), meta.endLine()),
        ignoreCache);
  }

  void history(String createdBy, boolean emptyLayer) {
    image =
        image.withHistory(
            new HistoryEntry(
                null, createdBy, null, emptyLayer ? null : "buildkit.dockerfile.v0", emptyLayer));
  }

  // ---- the stage's variables ----

  /**
   * Declares (or redeclares) a stage ARG; {@code value} null when it has none, which leaves the
   * value the name has in the build environment.
   */
  void declareArg(String name, String value) {
    args.put(name, value);
    if (value != null) {
      argEnv.put(name, value);
    }
  }

  /** An ENV instruction set {@code name}: from now on the ENV value is the one in effect. */
  void envSet(String name) {
    argEnv.remove(name);
  }

  /** A name's value in the build environment: the latest of ENV and ARG that set it. */
  String lookup(String name) {
    String arg = argEnv.get(name);
    return arg != null ? arg : config().envValue(name);
  }

  private boolean declared(String name) {
    return config().envValue(name) != null || args.containsKey(name);
  }

  /** Expands a word with the stage's ARGs and ENV, warning about undeclared names. */
  String expand(String word, Meta meta) {
    VariableExpander.Result r;
    try {
      r = dockerfile.expander().expand(word, this::lookup);
    } catch (VariableExpander.ExpansionException e) {
      throw new DockerfileException(meta.position(), e.getMessage() + " in \"" + word + "\"");
    }
    warnUndefined(r.undefined(), meta);
    return r.value();
  }

  /** Expands a word and splits the result into words, as BuildKit does for EXPOSE. */
  List<String> expandWords(String word, Meta meta) {
    VariableExpander.Words r;
    try {
      r = dockerfile.expander().expandWords(word, this::lookup);
    } catch (VariableExpander.ExpansionException e) {
      throw new DockerfileException(meta.position(), e.getMessage() + " in \"" + word + "\"");
    }
    warnUndefined(r.undefined(), meta);
    return r.words();
  }

  private void warnUndefined(Set<String> names, Meta meta) {
    for (String name : names) {
      if (!declared(name) && !PROXY_ARGS.contains(name)) {
        warn("UndefinedVar", "Usage of undefined variable '$" + name + "'", meta);
      }
    }
  }

  /** Expands a word in the global scope (FROM), see {@link GlobalArgs#expand}. */
  String expandGlobal(String word, Meta meta, String rule) {
    return dockerfile.globals().expand(word, meta, rule);
  }

  /**
   * The environment a RUN gets: the config's ENV with the ARG values that win over it replacing
   * them in place, the rest after.
   */
  List<String> runEnv() {
    Map<String, String> pending = new LinkedHashMap<>(argEnv);
    List<String> env = new ArrayList<>();
    for (String entry : config().env()) {
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry : entry.substring(0, eq);
      String arg = pending.remove(key);
      env.add(arg == null ? entry : key + "=" + arg);
    }
    pending.forEach((k, v) -> env.add(k + "=" + v));
    return env;
  }

  /** Whether the build environment has {@code name}, from ENV or ARG. */
  boolean inRunEnv(String name) {
    return argEnv.containsKey(name) || config().envValue(name) != null;
  }

  /**
   * The ARGs BuildKit lists in a RUN's history entry ({@code RUN |2 A=1 B=2 ...}): every declared
   * one, with its value in the build environment (empty when it has none).
   */
  Map<String, String> argsForHistory() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : args.keySet()) {
      String v = lookup(name);
      out.put(name, v == null ? "" : v);
    }
    return out;
  }

  /**
   * A step's text as BuildKit shows it: the instruction as written, its variables expanded and its
   * keyword in upper case, flags included. RUN keeps quotes and undefined references as written,
   * and shows secrets given as environment variables as {@code ****}; text that does not expand is
   * shown as written.
   */
  String stepText(Meta meta, boolean run, Set<String> secretEnv) {
    VariableExpander expander = dockerfile.expander();
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

  // ---- commands and sources ----

  List<String> shell() {
    return config().shell() != null && !config().shell().isEmpty()
        ? config().shell()
        : DEFAULT_SHELL;
  }

  /** The argv of a command: as written in exec form, through the stage's shell otherwise. */
  List<String> commandArgs(Command c) {
    if (c.json()) {
      return c.args();
    }
    List<String> argv = new ArrayList<>(shell());
    argv.add(c.args().get(0));
    return argv;
  }

  /**
   * The vertex {@code COPY --from} / {@code RUN --mount=from=} reads: a stage, a named context or
   * an image.
   */
  Vertex readFrom(String fromRaw, Meta meta) {
    String from = expand(fromRaw, meta);
    if (from.isEmpty()) {
      throw new DockerfileException(
          meta.position(), "--from requires a stage name, index or image");
    }
    int idx = dockerfile.stageIndex(from, meta);
    if (idx == stage.index()) {
      throw new DockerfileException(
          meta.position(),
          "circular dependency: stage " + stage.label() + " cannot read itself with --from");
    }
    if (idx > stage.index()) {
      // BuildKit reads only stages already defined, so a build never depends on a later one
      throw new DockerfileException(
          meta.position(),
          "cannot read from stage \""
              + from
              + "\": it needs to be defined before the current stage "
              + stage.label()
              + "; move it above this FROM");
    }
    if (idx >= 0) {
      return dockerfile.stage(idx).vertex();
    }
    if (from.equalsIgnoreCase("scratch")) {
      return new SourceOp.Scratch(VertexInfo.named("scratch"));
    }
    if (dockerfile.namedContexts().find(from) instanceof NamedContexts.Found named) {
      return dockerfile.namedContexts().load(named, platform, meta).vertex();
    }
    String resolved = ImageReference.normalize(from, meta);
    return new SourceOp.Image(
        from, resolved, platform, VertexInfo.named("[internal] load " + resolved));
  }

  /** The context (minus ignored files) as a source, reading only {@code include} when given. */
  Vertex context(List<String> include, List<String> extraExcludes) {
    List<String> exclude = new ArrayList<>(request().ignorePatterns());
    exclude.addAll(extraExcludes);
    return new SourceOp.Context(
        "context", include, exclude, include, VertexInfo.named("[internal] load build context"));
  }
}
