package dev.slipway.session.builder;

import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The session of a build whose request names none (its context comes with the request or from a
 * remote source): there is no client to ask, so client resources are simply absent.
 */
public final class NoClientSession implements BuildSession {
  private final String owner;

  /**
   * @param owner the caller whose build this is: its outputs are its own, not everyone's
   */
  public NoClientSession(String owner) {
    this.owner = owner;
  }

  @Override
  public String ownerKey() {
    return owner;
  }

  @Override
  public ContextFiles context(String name) throws SessionException {
    throw new SessionException(
        "the build needs the client context \""
            + name
            + "\", but its request names no session; open a session and set session_id");
  }

  @Override
  public Optional<byte[]> secret(String id) {
    return Optional.empty();
  }

  @Override
  public Optional<Path> sshAgentSocket(String id) {
    return Optional.empty();
  }

  @Override
  public OutputStream outputStream(OutputDestination dest) throws SessionException {
    throw new SessionException(
        "output \"" + dest.dest() + "\" goes to the client, but the request names no session");
  }

  @Override
  public Optional<RegistryCredentials> registryCredentials(String host) {
    return Optional.empty();
  }
}
