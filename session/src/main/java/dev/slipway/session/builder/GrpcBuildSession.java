package dev.slipway.session.builder;

import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.CredentialsRequest;
import dev.slipway.api.session.v1.CredentialsResponse;
import dev.slipway.api.session.v1.RequestFailure;
import dev.slipway.api.session.v1.SecretRequest;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import dev.slipway.session.ssh.SshAgents;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's session for one build on a builder: what it asks for goes as a question over the
 * client's session stream. Per build, because ssh agent sockets and client outputs belong to the
 * build that asked for them and go away with it. An ssh id the request backs with a key secret
 * ({@code SolveRequest.ssh_key_secret_ids}) is served by an ssh-agent of the build's own, loaded
 * with the key the client serves as that secret; other ssh ids are relayed to the client's agent.
 */
public final class GrpcBuildSession implements BuildSession, AutoCloseable {
  private final AttachedSession client;
  private final SolveRequest request;
  private final Map<String, SshAgentRelay> sshRelays = new HashMap<>();
  private final SshAgents keyAgents = new SshAgents();
  private Path sshDir;

  public GrpcBuildSession(AttachedSession client, SolveRequest request) {
    this.client = client;
    this.request = request;
  }

  @Override
  public ContextFiles context(String name) throws SessionException {
    if (!client.hello().getContextsList().contains(name)) {
      throw new SessionException(
          "the build needs the context \"" + name + "\", which the client does not serve");
    }
    String identity = client.hello().getContextIdentitiesOrDefault(name, "");
    return new GrpcContextFiles(
        client,
        name,
        identity.isEmpty() ? "session:" + client.id() + ":" + name : "client:" + identity);
  }

  @Override
  public Optional<byte[]> secret(String id) throws SessionException {
    if (!client.hello().getSecretIdsList().contains(id)) {
      return Optional.empty();
    }
    try (SessionRequest r =
        client.ask(
            BuilderMessage.newBuilder().setSecret(SecretRequest.newBuilder().setId(id)),
            "secret \"" + id + "\"")) {
      ClientMessage m = r.next();
      if (m.hasFailed() && m.getFailed().getCode() == RequestFailure.REQUEST_FAILURE_NOT_FOUND) {
        return Optional.empty();
      }
      if (m.hasFailed()) {
        throw new SessionException(
            "the client could not read secret \"" + id + "\": " + m.getFailed().getMessage());
      }
      return Optional.of(m.getSecret().getValue().toByteArray());
    }
  }

  @Override
  public synchronized Optional<Path> sshAgentSocket(String id) throws SessionException {
    String keySecret = request.getSshKeySecretIdsMap().get(id);
    if (keySecret != null) {
      return keyAgents.socketForKey(id, () -> secret(keySecret));
    }
    if (!client.hello().getSshIdsList().contains(id)) {
      return Optional.empty();
    }
    SshAgentRelay relay = sshRelays.get(id);
    if (relay == null) {
      try {
        if (sshDir == null) {
          // In /tmp rather than the state directory: a Unix socket path has at most 107 bytes.
          sshDir = Files.createTempDirectory("slipway-ssh-");
        }
        relay = new SshAgentRelay(client, id, sshDir.resolve(sshRelays.size() + ".sock"));
      } catch (IOException e) {
        throw new SessionException(
            "cannot create the ssh agent socket for \"" + id + "\": " + e.getMessage(), e);
      }
      sshRelays.put(id, relay);
    }
    return Optional.of(relay.socket());
  }

  @Override
  public OutputStream outputStream(OutputDestination dest) throws SessionException {
    List<Output> outputs = request.getOutputsList();
    for (int i = 0; i < outputs.size(); i++) {
      if (OutputDestination.parse(outputs.get(i).getDest()).equals(dest)) {
        return new ClientOutputStream(client, i);
      }
    }
    throw new SessionException("no output of this build goes to \"" + dest.dest() + "\"");
  }

  @Override
  public Optional<RegistryCredentials> registryCredentials(String host) throws SessionException {
    if (!client.hello().getServesCredentials()) {
      return Optional.empty();
    }
    try (SessionRequest r =
        client.ask(
            BuilderMessage.newBuilder()
                .setCredentials(CredentialsRequest.newBuilder().setHost(host)),
            "registry credentials for " + host)) {
      CredentialsResponse c = r.nextAnswer().getCredentials();
      if (c.getUsername().isEmpty() && c.getSecret().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new RegistryCredentials(c.getUsername(), c.getSecret(), c.getIdentityToken()));
    }
  }

  /** The principal that attached the session: the caller the builder authenticated. */
  @Override
  public String ownerKey() {
    return client.owner();
  }

  @Override
  public synchronized void close() {
    sshRelays.values().forEach(SshAgentRelay::close);
    sshRelays.clear();
    keyAgents.close();
    if (sshDir != null) {
      try {
        Files.deleteIfExists(sshDir);
      } catch (IOException ignored) {
        // left to the OS's temp cleaning
      }
    }
  }
}
