package dev.slipway.cli.request;

import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --ssh}: {@code default} (the agent at $SSH_AUTH_SOCK) or {@code ID[=PATH[,PATH]]}
 * where each path is an agent socket or a private key file.
 */
record SshSpec(String id, List<Path> paths) {

  static SshSpec parse(String text) {
    int eq = text.indexOf('=');
    String id = (eq < 0 ? text : text.substring(0, eq)).trim();
    if (id.isEmpty() || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new UsageException(
          "--ssh \"" + text + "\": expected default or ID[=PATH[,PATH...]], e.g. --ssh default");
    }
    List<Path> paths = new ArrayList<>();
    if (eq >= 0) {
      for (String p : text.substring(eq + 1).split(",")) {
        if (!p.isBlank()) {
          paths.add(Invocation.current().resolve(p.trim()));
        }
      }
    }
    return new SshSpec(id, List.copyOf(paths));
  }
}
