package dev.slipway.session;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The engine's view of the client that asked for a build: the one way the engine reaches resources
 * that live with the user — context files, secrets, ssh agents, registry credentials. It asks only
 * when a step needs something. {@code --local} builds use the engine's {@code LocalSession};
 * builder pods use an implementation that asks over the gRPC Session stream.
 */
public interface BuildSession {

  /** The files of a named context ("context", "dockerfile", or a named build context). */
  ContextFiles context(String name) throws SessionException;

  /** The value of a secret, or empty when the client has no secret of that id. */
  Optional<byte[]> secret(String id) throws SessionException;

  /**
   * A Unix socket on the engine's machine that speaks the ssh-agent protocol for the client's agent
   * {@code id}, or empty when the client offers no such agent. The socket lives until the session
   * closes.
   */
  Optional<Path> sshAgentSocket(String id) throws SessionException;

  /**
   * A stream to the client for an output whose destination is with the client (its standard output
   * or, for a build that runs elsewhere, a path on its machine). Closing it ends that output.
   */
  java.io.OutputStream outputStream(OutputDestination dest) throws SessionException;

  /** Credentials for a registry host, or empty to go anonymous. */
  Optional<RegistryCredentials> registryCredentials(String host) throws SessionException;

  /**
   * Who the build belongs to, for keeping what one owner's builds leave on the builder (context
   * mirrors) apart from another's. A builder's session answers its authenticated principal.
   */
  default String ownerKey() {
    return "local";
  }
}
