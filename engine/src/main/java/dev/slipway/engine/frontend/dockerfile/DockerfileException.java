package dev.slipway.engine.frontend.dockerfile;

import java.util.Objects;

/**
 * A Dockerfile that cannot be built as written: a syntax error, an invalid value, a missing stage.
 * The message says what is wrong, where ({@code file:line:column}) and how to fix it.
 */
public class DockerfileException extends RuntimeException {

  private final SourcePosition position;
  private final String problem;

  public DockerfileException(SourcePosition position, String problem) {
    super(position + ": " + problem);
    this.position = Objects.requireNonNull(position, "position");
    this.problem = problem;
  }

  public SourcePosition position() {
    return position;
  }

  /** The message without the position prefix. */
  public String problem() {
    return problem;
  }
}
