package dev.slipway.cli.request;

import java.util.regex.Pattern;

/**
 * Recognizes the remote contexts buildx accepts (git repositories, tarball URLs) so that they fail
 * with "not supported yet" instead of "path not found".
 */
final class RemoteContext {
  private static final Pattern REMOTE =
      Pattern.compile("^(https?://|git://|ssh://|git@|github\\.com/).*|.*\\.git(#.*)?$");

  private RemoteContext() {}

  static boolean looksRemote(String context) {
    return REMOTE.matcher(context).matches();
  }

  static String notSupported(String context) {
    String kind =
        context.matches("^https?://.*") && !context.matches(".*\\.git(#.*)?$")
            ? "a URL"
            : "a git repository";
    return "the build context \""
        + context
        + "\" is "
        + kind
        + "; remote contexts are not supported yet. Clone or download it and pass the"
        + " directory, e.g. git clone URL src && slipway build src";
  }
}
