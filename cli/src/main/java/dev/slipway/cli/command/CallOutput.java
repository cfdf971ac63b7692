package dev.slipway.cli.command;

import dev.slipway.api.control.v1.CallResult;
import dev.slipway.api.control.v1.FrontendCall;
import dev.slipway.cli.request.CallFlag;
import java.io.PrintStream;

/**
 * Prints a frontend call's answer on standard output as buildx does: the JSON with format=json,
 * else the text, a check's text under the count of warnings. The exit status is the call's (a check
 * with warnings exits 1, also with format=json; one that stopped at an error prints it on standard
 * error and exits 1).
 */
final class CallOutput {

  private CallOutput() {}

  static int print(PrintStream out, PrintStream err, CallFlag flag, CallResult result) {
    if (flag.json()) {
      out.println(result.getJson());
    } else if (flag.call() == FrontendCall.FRONTEND_CALL_CHECK) {
      int warnings = countWarnings(result.getText());
      if (warnings == 0) {
        if (result.getError().isEmpty()) {
          out.println("Check complete, no warnings found.");
        }
      } else {
        out.println(
            "Check complete, "
                + (warnings == 1
                    ? "1 warning has been found!"
                    : warnings + " warnings have been found!"));
        out.print(result.getText());
      }
    } else {
      out.print(result.getText());
    }
    out.flush();
    if (!result.getError().isEmpty()) {
      err.print(result.getError());
      err.flush();
      return 1;
    }
    return result.getStatusCode();
  }

  private static int countWarnings(String text) {
    return (int) text.lines().filter(l -> l.startsWith("WARNING: ")).count();
  }
}
