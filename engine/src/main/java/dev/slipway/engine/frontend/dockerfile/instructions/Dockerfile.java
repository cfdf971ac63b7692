package dev.slipway.engine.frontend.dockerfile.instructions;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.parser.Directives;
import java.util.List;

/**
 * A parsed Dockerfile: its directives, the ARGs before the first FROM, the stages, and the findings
 * of the build checks that need no evaluation.
 */
public record Dockerfile(
    String fileName,
    Directives directives,
    List<Instruction.Arg> metaArgs,
    List<Stage> stages,
    List<BuildWarning> warnings) {

  public Dockerfile {
    metaArgs = List.copyOf(metaArgs);
    stages = List.copyOf(stages);
    warnings = List.copyOf(warnings);
  }

  /**
   * Parses {@code text}; throws {@link dev.slipway.engine.frontend.dockerfile.DockerfileException}
   * with the position of an error.
   */
  public static Dockerfile parse(String fileName, String text) {
    return DockerfileParser.parse(fileName, text);
  }

  /**
   * Parses the ONBUILD triggers of a base image's config as instructions located at {@code at} (the
   * FROM that inherits them).
   */
  public static List<Instruction> parseTriggers(List<String> triggers, SourcePosition at) {
    return DockerfileParser.parseTriggers(triggers, at);
  }
}
