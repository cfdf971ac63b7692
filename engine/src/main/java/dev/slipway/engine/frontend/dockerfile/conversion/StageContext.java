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
  private final Map<String, String> args = new LinkedHashMap<>();
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
    return new ConvertedStage(vertex, image, platform);
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

  /** Declares (or redeclares) a stage ARG; {@code value} null when it has none. */
  void declareArg(String name, String value) {
    args.put(name, value);
  }

  /** ENV wins over an ARG of the same name. */
  String lookup(String name) {
    String env = config().envValue(name);
    if (env != null) {
      return env;
    }
    return args.get(name);
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
    for (String name : r.undefined()) {
      if (!declared(name) && !PROXY_ARGS.contains(name)) {
        warn("UndefinedVar", "Usage of undefined variable '$" + name + "'", meta);
      }
    }
    return r.value();
  }

  /** Expands a word in the global scope (FROM), see {@link GlobalArgs#expand}. */
  String expandGlobal(String word, Meta meta, String rule) {
    return dockerfile.globals().expand(word, meta, rule);
  }

  /** ARGs in scope with a value, in declaration order, excluding ENV-shadowed names. */
  Map<String, String> argValues() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> a : args.entrySet()) {
      if (a.getValue() != null && config().envValue(a.getKey()) == null) {
        out.put(a.getKey(), a.getValue());
      }
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

  /** The vertex {@code COPY --from} / {@code RUN --mount=from=} reads: a stage or an image. */
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
    if (idx >= 0) {
      return dockerfile.stage(idx).vertex();
    }
    if (from.equalsIgnoreCase("scratch")) {
      return new SourceOp.Scratch(VertexInfo.named("scratch"));
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
