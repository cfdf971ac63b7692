package dev.slipway.engine.frontend.dockerfile;

/**
 * A build check finding (BuildKit's lint rules, e.g. {@code MaintainerDeprecated}): the build
 * proceeds, the user is told what to improve.
 */
public record BuildWarning(String rule, String message, SourcePosition position) {

  @Override
  public String toString() {
    return position + ": " + rule + ": " + message;
  }
}
