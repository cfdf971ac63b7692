package dev.slipway.engine.frontend.dockerfile.instructions;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Command;
import dev.slipway.engine.frontend.dockerfile.parser.RawInstruction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The build checks that need no evaluation (BuildKit's lint rules such as {@code
 * ConsistentInstructionCasing} or {@code SecretsUsedInArgOrEnv}): the parser calls one method per
 * rule where it sees the problem, and collects the warnings here.
 */
final class BuildChecks {

  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i)(^|_)(api_?key|auth|credentials?|key|passwd|password|pword|secret|token)($|_)");
  private static final Set<String> SECRET_NAME_ALLOWED = Set.of("public", "tokenizer");

  private final List<BuildWarning> warnings = new ArrayList<>();

  List<BuildWarning> warnings() {
    return warnings;
  }

  void addAll(List<BuildWarning> found) {
    warnings.addAll(found);
  }

  private void warn(String rule, String message, SourcePosition at) {
    warnings.add(new BuildWarning(rule, message, at));
  }

  /** Whether most keywords are written in lower case (the casing the others should follow). */
  static boolean mostlyLowerCase(List<RawInstruction> instructions) {
    int upper = 0;
    int lower = 0;
    for (RawInstruction raw : instructions) {
      String w = raw.keywordAsWritten();
      if (w.equals(w.toUpperCase(Locale.ROOT))) {
        upper++;
      } else if (w.equals(w.toLowerCase(Locale.ROOT))) {
        lower++;
      }
    }
    return lower > upper;
  }

  void casing(RawInstruction raw, boolean preferLower) {
    String w = raw.keywordAsWritten();
    boolean ok =
        preferLower ? w.equals(w.toLowerCase(Locale.ROOT)) : w.equals(w.toUpperCase(Locale.ROOT));
    if (!ok) {
      warn(
          "ConsistentInstructionCasing",
          "Command '"
              + w
              + "' should match the case of the command majority ("
              + (preferLower ? "lowercase" : "uppercase")
              + ")",
          raw.position());
    }
  }

  /** CMD, ENTRYPOINT and HEALTHCHECK: only the last of each in a stage counts. */
  void duplicates(Stage stage) {
    Map<Class<?>, Instruction> last = new HashMap<>();
    for (Instruction i : stage.commands()) {
      if (i instanceof Instruction.Cmd
          || i instanceof Instruction.Entrypoint
          || i instanceof Instruction.Healthcheck) {
        Instruction before = last.put(i.getClass(), i);
        if (before != null) {
          String kw = before.meta().keywordAsWritten().toUpperCase(Locale.ROOT);
          warn(
              "MultipleInstructionsDisallowed",
              "Multiple "
                  + kw
                  + " instructions should not be used in the same stage because only the last one"
                  + " will be used",
              before.meta().position());
        }
      }
    }
  }

  void duplicateStageName(String name, SourcePosition at) {
    warn(
        "DuplicateStageName",
        "Duplicate stage name \"" + name + "\", stage names should be unique",
        at);
  }

  void secretName(String name, String kw, SourcePosition at) {
    if (SECRET_NAME.matcher(name).find()
        && SECRET_NAME_ALLOWED.stream().noneMatch(name.toLowerCase(Locale.ROOT)::contains)) {
      warn(
          "SecretsUsedInArgOrEnv",
          "Do not use ARG or ENV instructions for sensitive data (" + kw + " \"" + name + "\")",
          at);
    }
  }

  Command jsonRecommended(String kw, Command c, SourcePosition at) {
    if (!c.json()) {
      warn(
          "JSONArgsRecommended",
          "JSON arguments recommended for "
              + kw
              + " to prevent unintended behavior related to OS signals",
          at);
    }
    return c;
  }

  void maintainerDeprecated(SourcePosition at) {
    warn(
        "MaintainerDeprecated", "Maintainer instruction is deprecated in favor of using label", at);
  }

  void legacyKeyValueFormat(String kw, SourcePosition at) {
    warn(
        "LegacyKeyValueFormat",
        "\"" + kw + " key=value\" should be used instead of legacy \"" + kw + " key value\" format",
        at);
  }

  /** The stage name's casing, the AS keyword's casing, and names BuildKit reserves. */
  void stageName(String written, String name, String fromWord, String asWord, SourcePosition at) {
    if (!written.equals(name)) {
      warn("StageNameCasing", "Stage name '" + written + "' should be lowercase", at);
    }
    boolean fromUpper = fromWord.equals(fromWord.toUpperCase(Locale.ROOT));
    boolean asUpper = asWord.equals(asWord.toUpperCase(Locale.ROOT));
    if (fromUpper != asUpper) {
      warn(
          "FromAsCasing",
          "'" + asWord + "' and '" + fromWord + "' keywords' casing do not match",
          at);
    }
    if (name.equals("scratch") || name.equals("context")) {
      warn(
          "ReservedStageName",
          "Stage name should not use the same name as reserved stage \"" + name + "\"",
          at);
    }
  }
}
