package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import dev.slipway.engine.frontend.dockerfile.parser.CheckConfig;
import dev.slipway.engine.frontend.dockerfile.shell.VariableExpander;
import dev.slipway.engine.image.ImageConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Evaluates a parsed Dockerfile (BuildKit's dockerfile2llb): picks the target stage, converts it
 * and the stages it reads, each once and refusing cycles, then applies the request's labels and the
 * check directive to the result. What one stage does is {@link StageConverter}'s job.
 */
final class DockerfileConverter {

  private final ConvertRequest req;
  private final Dockerfile df;
  private final VariableExpander expander;
  private final List<BuildWarning> warnings = new ArrayList<>();
  private final GlobalArgs globals;
  private final Map<Integer, ConvertedStage> converted = new HashMap<>();
  private final Set<Integer> inProgress = new LinkedHashSet<>();
  private final Map<String, Integer> stageByName = new HashMap<>();
  private final boolean labelSteps;
  private final NamedContexts namedContexts;

  DockerfileConverter(ConvertRequest req, Dockerfile df) {
    this.req = req;
    this.df = df;
    this.expander = new VariableExpander(df.directives().escape());
    this.globals = new GlobalArgs(req, expander, warnings::add);
    this.namedContexts = new NamedContexts(req);
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
    return convert(true, false);
  }

  /**
   * Converts the target and the stages it reads. With {@code failOnFindings} (a build) the {@code
   * error=true} check option turns the first finding into an error; with {@code allStages} (a
   * check, as BuildKit's lint) the other stages are converted too, for their findings.
   */
  BuildDefinition convert(boolean failOnFindings, boolean allStages) {
    warnings.addAll(df.warnings());
    globals.declare(df.metaArgs(), req.buildArgs());
    invalidDefaultArgsInFrom();
    baseNames();
    warnings.addAll(DefinitionComments.of(req.dockerfile(), df).warnings());
    // BuildKit links every stage's sources first, so a bad --from fails even in unused stages
    for (Stage s : df.stages()) {
      s.commands().forEach(i -> FromReferences.check(i, expander));
    }
    ConvertedStage result = stage(targetStage());
    if (allStages) {
      df.stages().forEach(s -> stage(s.index()));
    }
    ImageConfig image = result.image();
    if (!req.labels().isEmpty()) {
      Map<String, String> labels = new TreeMap<>(image.config().labels());
      labels.putAll(req.labels());
      image = image.withConfig(image.config().withLabels(labels));
    }
    List<BuildWarning> kept = enabledWarnings(failOnFindings);
    return new BuildDefinition(result.vertex(), image, kept);
  }

  /**
   * BuildKit's InvalidDefaultArgInFrom: a FROM whose image, expanded with the global ARGs' defaults
   * alone (no build args), is empty or no valid reference; checked for every stage.
   */
  private void invalidDefaultArgsInFrom() {
    GlobalArgs defaults = new GlobalArgs(req, expander, w -> {});
    defaults.declare(df.metaArgs(), Map.of());
    for (Stage s : df.stages()) {
      String image = s.from().image();
      if (!image.contains("$")) {
        continue;
      }
      String name;
      try {
        name = defaults.expand(image, s.from().meta(), "UndefinedArgInFrom");
      } catch (DockerfileException e) {
        continue; // the conversion reports a malformed word where it matters
      }
      boolean valid = !name.isEmpty();
      if (valid && stageNamed(name) == null && !name.equalsIgnoreCase("scratch")) {
        try {
          ImageReference.normalize(name);
        } catch (IllegalArgumentException e) {
          valid = false;
        }
      }
      if (!valid) {
        warnings.add(
            new BuildWarning(
                "InvalidDefaultArgInFrom",
                "Default value for ARG " + image + " results in empty or invalid base image name",
                s.from().meta().position()));
      }
    }
  }

  /**
   * Every stage's base name, expanded as BuildKit does before it picks the stages to build: an
   * undeclared ARG there is reported and a blank name fails even in a stage the target never reads.
   */
  private void baseNames() {
    for (Stage s : df.stages()) {
      Meta meta = s.from().meta();
      if (globals.expand(s.from().image(), meta, "UndefinedArgInFrom").isEmpty()) {
        throw new DockerfileException(
            meta.position(), "base name (" + s.from().image() + ") should not be blank");
      }
    }
  }

  /** The findings the check options keep, also after the conversion failed half-way. */
  List<BuildWarning> findings() {
    return enabledWarnings(false);
  }

  /** The stages converted so far: after {@link #convert}, the target and what it reads. */
  Set<Integer> convertedStages() {
    return converted.keySet();
  }

  /** The requested target stage, or the last one. */
  int targetStage() {
    if (req.target() == null || req.target().isEmpty()) {
      return df.stages().size() - 1;
    }
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
    return idx;
  }

  /**
   * The warnings the check options keep: those of the BUILDKIT_DOCKERFILE_CHECK build arg, else of
   * the directive. With {@code error=true} the first one fails a build.
   */
  private List<BuildWarning> enabledWarnings(boolean failOnFindings) {
    CheckConfig config = checkConfig();
    List<BuildWarning> kept = new ArrayList<>();
    for (BuildWarning w : warnings) {
      if (config.enabled(w.rule()) && !kept.contains(w)) {
        kept.add(w);
      }
    }
    if (failOnFindings && config.errors() && !kept.isEmpty()) {
      BuildWarning first = kept.get(0);
      throw new DockerfileException(
          first.position(),
          first.rule()
              + ": "
              + first.message()
              + " (an error because of the check option error=true)");
    }
    return kept;
  }

  private CheckConfig checkConfig() {
    String arg = req.buildArgs().get(CheckConfig.BUILD_ARG);
    if (arg == null) {
      return df.directives().checks();
    }
    try {
      return CheckConfig.parse(arg);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(
          new SourcePosition(df.fileName(), 1, 1),
          "invalid build arg " + CheckConfig.BUILD_ARG + ": " + e.getMessage());
    }
  }

  /** Stage {@code index}, converted on first use. */
  ConvertedStage stage(int index) {
    ConvertedStage done = converted.get(index);
    if (done != null) {
      return done;
    }
    Stage stage = df.stages().get(index);
    NamedContexts.Found named = stage.name() == null ? null : namedContexts.find(stage.name());
    if (named != null) {
      // BuildKit: a named context of a stage's name replaces the whole stage, none of it runs
      ConvertedStage r = namedContexts.load(named, req.targetPlatform(), stage.from().meta());
      converted.put(index, r);
      return r;
    }
    if (!inProgress.add(index)) {
      throw new DockerfileException(
          stage.from().meta().position(),
          "circular dependency detected on stage "
              + stage.label()
              + ": a stage cannot read itself");
    }
    ConvertedStage r = new StageConverter(this, stage).convert();
    inProgress.remove(index);
    converted.put(index, r);
    return r;
  }

  /** The index of the stage named (case-insensitive) {@code name}, or null. */
  Integer stageNamed(String name) {
    return stageByName.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The index of the stage a FROM names, or null. Unlike {@code --from}, BuildKit matches FROM's
   * name as written against the lower-cased stage names, so {@code FROM Builder} names an image.
   */
  Integer stageNamedInFrom(String name) {
    return stageByName.get(name);
  }

  /** A stage named (case-insensitive) or numbered {@code ref}, or -1 for an image reference. */
  int stageIndex(String ref, Meta meta) {
    Integer byName = stageNamed(ref);
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

  ConvertRequest request() {
    return req;
  }

  NamedContexts namedContexts() {
    return namedContexts;
  }

  String fileName() {
    return df.fileName();
  }

  VariableExpander expander() {
    return expander;
  }

  GlobalArgs globals() {
    return globals;
  }

  /** Whether step names show the stage: false only when the build has a single stage. */
  boolean labelSteps() {
    return labelSteps;
  }

  /** Whether step names show the stage's platform: in a build of several platforms. */
  boolean platformSteps() {
    return req.platformSteps();
  }

  void warn(BuildWarning warning) {
    warnings.add(warning);
  }
}
