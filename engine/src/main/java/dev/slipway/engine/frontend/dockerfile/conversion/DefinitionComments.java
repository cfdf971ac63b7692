package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The descriptions that {@code --call=outline} and {@code --call=targets} show: the comment lines
 * above an ARG or a named FROM, written {@code # NAME description} as in BuildKit; a comment that
 * does not start with the name is no description (experimental check InvalidDefinitionDescription).
 */
final class DefinitionComments {

  private static final Pattern DIRECTIVE =
      Pattern.compile("^#\\s*(syntax|escape|check)\\s*=.*", Pattern.CASE_INSENSITIVE);

  private final String[] lines;
  private final Map<Integer, String> argDescriptions = new HashMap<>();
  private final Map<Integer, String> stageDescriptions = new HashMap<>();
  private final List<BuildWarning> warnings = new ArrayList<>();

  private DefinitionComments(String text) {
    this.lines = text.split("\n", -1);
  }

  static DefinitionComments of(String text, Dockerfile df) {
    DefinitionComments c = new DefinitionComments(text);
    for (Instruction.Arg a : df.metaArgs()) {
      c.arg(a);
    }
    for (Stage s : df.stages()) {
      if (s.name() != null) {
        c.describe(s.from().meta(), s.from().stageName(), "FROM", s.index(), false);
      }
      for (Instruction i : s.commands()) {
        if (i instanceof Instruction.Arg a) {
          c.arg(a);
        }
      }
    }
    return c;
  }

  private void arg(Instruction.Arg a) {
    if (a.args().size() == 1) {
      describe(a.meta(), a.args().get(0).name(), "ARG", a.meta().position().line(), true);
    }
  }

  private void describe(Meta meta, String name, String what, int key, boolean isArg) {
    List<String> comment = commentAbove(meta.position().line());
    if (comment.isEmpty()) {
      return;
    }
    String first = comment.get(0);
    if (!first.equals(name) && !first.startsWith(name + " ")) {
      warnings.add(
          new BuildWarning(
              "InvalidDefinitionDescription",
              "Comment for " + what + " should follow the format: `# " + name + " <description>`",
              meta.position()));
      return;
    }
    List<String> words = new ArrayList<>(comment);
    words.set(0, first.substring(name.length()).strip());
    String description = String.join(" ", words.stream().filter(w -> !w.isEmpty()).toList());
    (isArg ? argDescriptions : stageDescriptions).put(key, description);
  }

  /**
   * The comment lines (without {@code #}) above {@code line} up to the previous instruction, top
   * first; as in BuildKit 0.34, empty lines between do not end them.
   */
  private List<String> commentAbove(int line) {
    List<String> out = new ArrayList<>();
    for (int i = line - 2; i >= 0; i--) {
      String l = lines[i].strip();
      if (l.isEmpty()) {
        continue;
      }
      if (!l.startsWith("#") || DIRECTIVE.matcher(l).matches()) {
        break;
      }
      out.add(0, l.substring(1).strip());
    }
    return out;
  }

  /** The description of the ARG declared alone on {@code line}, or "". */
  String arg(int line) {
    return argDescriptions.getOrDefault(line, "");
  }

  /** The description of stage {@code index}, or "". */
  String stage(int index) {
    return stageDescriptions.getOrDefault(index, "");
  }

  List<BuildWarning> warnings() {
    return warnings;
  }
}
