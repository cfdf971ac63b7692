package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.ArgDecl;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.shell.VariableExpander;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The build's global ARG scope: the platform ARGs BuildKit predefines ({@code TARGETPLATFORM},
 * {@code BUILDARCH}, ...) and the ARGs declared before the first FROM. FROM lines expand with it; a
 * stage sees a global only once it redeclares the name with ARG.
 */
final class GlobalArgs {

  private final VariableExpander expander;
  private final Consumer<BuildWarning> warnings;
  private final Map<String, String> builtins = new LinkedHashMap<>();
  private final Map<String, String> declared = new LinkedHashMap<>();

  GlobalArgs(ConvertRequest req, VariableExpander expander, Consumer<BuildWarning> warnings) {
    this.expander = expander;
    this.warnings = warnings;
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
  }

  /**
   * Declares the ARGs before the first FROM in order, each taking the build arg of its name, else
   * its default (expanded with the globals declared so far), else the predefined value.
   */
  void declare(List<Instruction.Arg> metaArgs, Map<String, String> buildArgs) {
    for (Instruction.Arg arg : metaArgs) {
      for (ArgDecl d : arg.args()) {
        String value;
        if (buildArgs.containsKey(d.name())) {
          value = buildArgs.get(d.name());
        } else if (d.defaultValue() != null) {
          value = expand(d.defaultValue(), arg.meta(), "UndefinedVar");
        } else {
          value = builtins.get(d.name());
        }
        declared.put(d.name(), value);
      }
    }
  }

  /** The value of a global or predefined ARG (null when it has none). */
  String value(String name) {
    if (declared.containsKey(name)) {
      return declared.get(name);
    }
    return builtins.get(name);
  }

  /**
   * Expands a word of the global scope, reporting undefined names under {@code rule}: {@code
   * UndefinedArgInFrom} in FROM, {@code UndefinedVar} elsewhere.
   */
  String expand(String word, Meta meta, String rule) {
    VariableExpander.Result r;
    try {
      r = expander.expand(word, this::value);
    } catch (VariableExpander.ExpansionException e) {
      throw new DockerfileException(meta.position(), e.getMessage() + " in \"" + word + "\"");
    }
    for (String name : r.undefined()) {
      if (declared.containsKey(name)) {
        continue; // declared without a value: empty, and not reported (as BuildKit)
      }
      warnings.accept(
          new BuildWarning(
              rule,
              rule.equals("UndefinedArgInFrom")
                  ? "FROM argument '" + name + "' is not declared"
                  : "Usage of undefined variable '$" + name + "'",
              meta.position()));
    }
    return r.value();
  }
}
