package dev.slipway.engine.frontend.dockerfile.instructions;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.parser.DockerfileLexer;
import dev.slipway.engine.frontend.dockerfile.parser.RawInstruction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the instruction model of a whole Dockerfile from the lexer's output: each instruction
 * typed by {@link InstructionParser}, the ARGs before the first FROM kept apart, the rest grouped
 * into stages, and the build checks that need no evaluation collected.
 */
final class DockerfileParser {

  private DockerfileParser() {}

  static Dockerfile parse(String file, String text) {
    DockerfileLexer.Lexed lexed = DockerfileLexer.lex(file, text);
    BuildChecks checks = new BuildChecks();
    checks.addAll(lexed.warnings());
    InstructionParser parser = new InstructionParser(file, lexed.directives().escape(), checks);
    List<Instruction.Arg> metaArgs = new ArrayList<>();
    List<Stage> stages = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Instruction.From from = null;
    List<Instruction> commands = new ArrayList<>();
    boolean preferLower = BuildChecks.mostlyLowerCase(lexed.instructions());
    for (RawInstruction raw : lexed.instructions()) {
      Instruction instruction = parser.instruction(raw);
      // after the instruction's own checks, in BuildKit's order
      checks.casing(raw, preferLower);
      if (instruction instanceof Instruction.From f) {
        if (from != null) {
          stages.add(new Stage(stages.size(), from.stageName(), from, commands));
        }
        if (f.stageName() != null && !names.add(f.stageName())) {
          // BuildKit only warns; a later reference then reads the last stage of that name
          checks.duplicateStageName(f.stageName(), raw.position());
        }
        from = f;
        commands = new ArrayList<>();
      } else if (from == null) {
        if (instruction instanceof Instruction.Arg a) {
          metaArgs.add(a);
        } else {
          throw new DockerfileException(
              raw.position(),
              raw.keyword().toUpperCase(Locale.ROOT)
                  + " before the first FROM: only ARG may come before FROM; start the stage with"
                  + " FROM <image>");
        }
      } else {
        commands.add(instruction);
      }
    }
    if (from == null) {
      throw new DockerfileException(
          new SourcePosition(file, 1, 1),
          "the Dockerfile has no build stage: add a FROM instruction (e.g. FROM scratch)");
    }
    stages.add(new Stage(stages.size(), from.stageName(), from, commands));
    for (Stage stage : stages) {
      checks.duplicates(stage);
    }
    return new Dockerfile(file, lexed.directives(), metaArgs, stages, checks.warnings());
  }

  /** Parses ONBUILD triggers (from an image config) as instructions located at {@code at}. */
  static List<Instruction> parseTriggers(List<String> triggers, SourcePosition at) {
    // a base image's triggers were checked when it was built: their warnings are not repeated
    InstructionParser parser = new InstructionParser(at.file(), '\\', new BuildChecks());
    List<Instruction> out = new ArrayList<>();
    for (String trigger : triggers) {
      for (RawInstruction raw : DockerfileLexer.lexTriggers(at.file(), trigger, at)) {
        InstructionParser.checkTrigger(raw.keyword(), raw.keywordAsWritten(), at);
        out.add(parser.instruction(raw));
      }
    }
    return out;
  }
}
