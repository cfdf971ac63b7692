package dev.slipway.cli;

import dev.slipway.cli.cluster.KubeErrors;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns what goes wrong into one {@code ERROR:} line and an exit status: 2 for anything the user
 * typed wrong, 1 for everything else. Stack traces only with SLIPWAY_DEBUG=1, since a person
 * running a build cannot act on one.
 */
final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  static final int FAILURE = 1;
  static final int USAGE = 2;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("ERROR: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof UsageException) {
      err.println("ERROR: " + e.getMessage());
      err.flush();
      return USAGE;
    }
    err.println(
        "ERROR: "
            + (e instanceof KubernetesClientException k ? KubeErrors.describe(k) : describe(e)));
    if (Invocation.current().debug()) {
      e.printStackTrace(err);
    } else {
      err.println("(set SLIPWAY_DEBUG=1 to see where this happened)");
    }
    err.flush();
    return FAILURE;
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    // Subclasses such as NoSuchFileException carry only a path: keep their name as the reason.
    return e instanceof IOException && e.getClass() != IOException.class
        ? e.getClass().getSimpleName() + ": " + message
        : message;
  }
}
