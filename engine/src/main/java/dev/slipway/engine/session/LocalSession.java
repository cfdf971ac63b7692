package dev.slipway.engine.session;

import dev.slipway.engine.content.NonClosingOutputStream;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import dev.slipway.session.credentials.DockerConfig;
import dev.slipway.session.ssh.SshAgents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session of a build that runs on this machine ({@code slipway build --local}): contexts are
 * local directories, secrets local files or environment variables, ssh agents local sockets (or key
 * files loaded into an ssh-agent started for the session).
 */
public final class LocalSession implements BuildSession, AutoCloseable {
  private final Map<String, ContextDir> contexts;
  // one instance per context, so that each serves only what it listed
  private final Map<String, LocalContextFiles> opened = new ConcurrentHashMap<>();
  private final Map<String, SecretSource> secrets;
  private final Map<String, List<Path>> sshAgents;
  private final SshAgents agents = new SshAgents();
  private final DockerConfig credentials;
  private final String owner;
  private final java.io.OutputStream stdout;

  private LocalSession(Builder b) {
    this.contexts = Map.copyOf(b.contexts);
    this.secrets = Map.copyOf(b.secrets);
    this.sshAgents = Map.copyOf(b.sshAgents);
    this.credentials = b.credentials;
    this.owner = b.owner;
    this.stdout = b.stdout;
  }

  /** The user of this machine, unless a caller (a test's second user) names another. */
  @Override
  public String ownerKey() {
    return owner;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ContextFiles context(String name) throws SessionException {
    ContextDir dir = contexts.get(name);
    if (dir == null) {
      throw new SessionException(
          "the build needs the context \"" + name + "\", which this build does not have");
    }
    return opened.computeIfAbsent(name, n -> new LocalContextFiles(dir.dir(), dir.ignore()));
  }

  @Override
  public Optional<byte[]> secret(String id) throws SessionException {
    SecretSource source = secrets.get(id);
    if (source == null) {
      return Optional.empty();
    }
    if (source.file() != null) {
      try {
        return Optional.of(Files.readAllBytes(source.file()));
      } catch (IOException e) {
        throw new SessionException(
            "secret \"" + id + "\": cannot read " + source.file() + ": " + e.getMessage(), e);
      }
    }
    return Optional.of(source.value().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Optional<Path> sshAgentSocket(String id) throws SessionException {
    List<Path> paths = sshAgents.get(id);
    if (paths == null) {
      return Optional.empty();
    }
    return Optional.of(agents.socketFor(id, paths));
  }

  @Override
  public java.io.OutputStream outputStream(OutputDestination dest) throws SessionException {
    if (!(dest instanceof OutputDestination.Stdout)) {
      throw new SessionException(
          "a local build writes outputs to files; \"" + dest.dest() + "\" is not one");
    }
    return new NonClosingOutputStream(stdout); // standard output stays the CLI's
  }

  @Override
  public Optional<RegistryCredentials> registryCredentials(String host) throws SessionException {
    return credentials == null ? Optional.empty() : credentials.forHost(host);
  }

  @Override
  public void close() {
    agents.close();
  }

  /** A secret from a file or from an environment variable (value captured when built). */
  private record SecretSource(Path file, String value) {
    @Override
    public String toString() {
      return file != null ? "SecretSource[file=" + file + "]" : "SecretSource[env]";
    }
  }

  private record ContextDir(Path dir, List<String> ignore) {}

  public static final class Builder {
    private final Map<String, ContextDir> contexts = new HashMap<>();
    private final Map<String, SecretSource> secrets = new HashMap<>();
    private final Map<String, List<Path>> sshAgents = new HashMap<>();
    private DockerConfig credentials = DockerConfig.fromEnvironment();
    private String owner = "local";
    private java.io.OutputStream stdout = System.out;

    public Builder context(String name, Path dir) {
      return context(name, dir, List.of());
    }

    /**
     * A context directory of which no listing selects what {@code ignore} (.dockerignore syntax)
     * excludes, whatever the build's own patterns say.
     */
    public Builder context(String name, Path dir, List<String> ignore) {
      contexts.put(name, new ContextDir(dir.toAbsolutePath().normalize(), List.copyOf(ignore)));
      return this;
    }

    public Builder secretFile(String id, Path file) {
      secrets.put(id, new SecretSource(file.toAbsolutePath(), null));
      return this;
    }

    /** A secret taken from {@code variable} in {@code environment}; absent when unset. */
    public Builder secretEnv(String id, String variable, Map<String, String> environment) {
      String value = environment.get(variable);
      if (value != null) {
        secrets.put(id, new SecretSource(null, value));
      }
      return this;
    }

    /** An ssh agent: agent sockets, or private key files to load into a fresh agent. */
    public Builder sshAgent(String id, List<Path> socketsOrKeys) {
      sshAgents.put(id, new ArrayList<>(socketsOrKeys));
      return this;
    }

    public Builder credentials(DockerConfig c) {
      credentials = c;
      return this;
    }

    /**
     * Where {@code dest=-} outputs go: this process's stdout unless the CLI's daemon names its
     * client's.
     */
    public Builder stdout(java.io.OutputStream out) {
      stdout = out;
      return this;
    }

    /** Whose builds these are (see {@code BuildSession.ownerKey}); "local" by default. */
    public Builder owner(String key) {
      owner = key;
      return this;
    }

    public LocalSession build() {
      return new LocalSession(this);
    }
  }
}
