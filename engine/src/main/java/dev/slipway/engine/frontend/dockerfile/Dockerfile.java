package dev.slipway.engine.frontend.dockerfile;

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

  /** Parses {@code text}; throws {@link DockerfileException} with the position of an error. */
  public static Dockerfile parse(String fileName, String text) {
    return DockerfileParser.parse(fileName, text);
  }
}
