package dev.slipway.cli.request;

import dev.slipway.api.control.v1.FrontendCall;
import dev.slipway.cli.usage.UsageException;
import java.util.Locale;

/**
 * buildx's {@code --call=NAME[,format=json]}: which frontend call a build makes instead of building
 * ({@code check}, {@code outline}, {@code targets}; {@code build} builds) and whether the answer is
 * printed as JSON. {@code --check} is {@code --call=check}.
 */
public record CallFlag(FrontendCall call, boolean json) {

  public static final CallFlag BUILD = new CallFlag(FrontendCall.FRONTEND_CALL_BUILD, false);

  static CallFlag parse(String value) {
    String[] parts = value.split(",");
    FrontendCall call =
        switch (parts[0].strip().toLowerCase(Locale.ROOT)) {
          case "build" -> FrontendCall.FRONTEND_CALL_BUILD;
          case "check", "lint" -> FrontendCall.FRONTEND_CALL_CHECK;
          case "outline" -> FrontendCall.FRONTEND_CALL_OUTLINE;
          case "targets" -> FrontendCall.FRONTEND_CALL_TARGETS;
          default ->
              throw new UsageException(
                  "--call "
                      + parts[0]
                      + " is not known; use build, check, outline or targets (e.g."
                      + " --call=outline,format=json)");
        };
    boolean json = false;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      switch (p.toLowerCase(Locale.ROOT)) {
        case "format=json" -> json = true;
        case "format=text", "format=" -> json = false;
        default ->
            throw new UsageException(
                "--call option '" + p + "' is not known; use format=json or format=text");
      }
    }
    if (json && call == FrontendCall.FRONTEND_CALL_BUILD) {
      throw new UsageException("--call build takes no format; it builds");
    }
    return new CallFlag(call, json);
  }

  /** Whether this is a frontend call rather than a build. */
  public boolean callsFrontend() {
    return call != FrontendCall.FRONTEND_CALL_BUILD;
  }
}
