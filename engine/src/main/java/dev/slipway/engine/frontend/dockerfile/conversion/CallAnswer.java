package dev.slipway.engine.frontend.dockerfile.conversion;

/**
 * The answer to a frontend call ({@code --call=check|outline|targets}), as BuildKit's subrequests
 * give it: {@code json} is what buildx prints with {@code format=json}, {@code text} the human
 * form, {@code statusCode} 1 when a check found something, {@code error} (else empty) what stopped
 * a check from evaluating the whole Dockerfile.
 */
public record CallAnswer(String json, String text, int statusCode, String error) {

  CallAnswer(String json, String text, int statusCode) {
    this(json, text, statusCode, "");
  }
}
