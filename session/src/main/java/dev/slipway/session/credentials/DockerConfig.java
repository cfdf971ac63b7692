package dev.slipway.session.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Registry credentials as the docker CLI keeps them, in a {@code config.json} ({@code
 * $DOCKER_CONFIG} or {@code ~/.docker}) or a Kubernetes {@code kubernetes.io/dockerconfigjson}
 * Secret (the same JSON): {@code auths}, a default {@code credsStore} and per-host {@code
 * credHelpers} (run as {@code docker-credential-NAME get}).
 *
 * <p>Hosts match as docker and BuildKit match them: a key's scheme and path are dropped ({@code
 * https://ghcr.io/v2/} is {@code ghcr.io}), and Docker Hub's names ({@code docker.io}, {@code
 * index.docker.io}, {@code registry-1.docker.io}, {@code https://index.docker.io/v1/}) are one
 * host. A config that cannot be read fails every lookup with a message that says so, rather than
 * letting the build go anonymous. Messages never include a secret.
 */
public final class DockerConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HUB = "docker.io";

  /** The address docker login and credential helpers use for Docker Hub. */
  private static final String HUB_SERVER = "https://index.docker.io/v1/";

  /** What a credential helper's name may be: it becomes part of a program name on PATH. */
  private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final JsonNode config;
  private final String source;
  private final String problem;
  private final boolean helpersAllowed;
  // What a credential helper runs with: the environment of the shell this config was read for
  // (its AWS_*, proxies, CA files), not a daemon's own; null for this process's.
  private final Map<String, String> helperEnvironment;

  private DockerConfig(JsonNode config, String source, String problem, boolean helpersAllowed) {
    this(config, source, problem, helpersAllowed, null);
  }

  private DockerConfig(
      JsonNode config,
      String source,
      String problem,
      boolean helpersAllowed,
      Map<String, String> helperEnvironment) {
    this.config = config;
    this.source = source;
    this.problem = problem;
    this.helpersAllowed = helpersAllowed;
    this.helperEnvironment = helperEnvironment == null ? null : Map.copyOf(helperEnvironment);
  }

  /** No credentials at all: every host is anonymous. */
  public static DockerConfig empty() {
    return new DockerConfig(JSON.createObjectNode(), "no docker config", null, false);
  }

  /** This process's user's docker configuration; empty when there is no config.json. */
  public static DockerConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * The docker configuration {@code env} points at ($DOCKER_CONFIG, else $HOME/.docker): a daemon
   * serving many shells reads each one's own. Empty when there is no config.json.
   */
  public static DockerConfig fromEnvironment(java.util.Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    String home = env.get("HOME");
    DockerConfig read =
        read(
            dir != null && !dir.isBlank()
                ? Path.of(dir, "config.json")
                : Path.of(
                    home != null && !home.isBlank() ? home : System.getProperty("user.home"),
                    ".docker",
                    "config.json"));
    return new DockerConfig(read.config, read.source, read.problem, read.helpersAllowed, env);
  }

  /** The config in {@code configJson}; empty when the file does not exist. */
  public static DockerConfig read(Path configJson) {
    try {
      return parse(Files.readAllBytes(configJson), configJson.toString());
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException e) {
      return new DockerConfig(
          null, configJson.toString(), "cannot be read: " + e.getMessage(), false);
    }
  }

  /**
   * Parses the docker config JSON of this machine's user, whose credential helpers may run; {@code
   * source} names where it came from in error messages.
   */
  public static DockerConfig parse(byte[] json, String source) {
    return parse(json, source, true);
  }

  /**
   * Parses docker config JSON that someone else wrote (a Kubernetes Secret): only its {@code auths}
   * count, because a helper it names would run a program on this machine for them.
   */
  public static DockerConfig parseWithoutHelpers(byte[] json, String source) {
    return parse(json, source, false);
  }

  private static DockerConfig parse(byte[] json, String source, boolean helpersAllowed) {
    JsonNode config;
    try {
      config = JSON.readTree(json);
    } catch (IOException e) {
      return new DockerConfig(null, source, "is not valid JSON", false);
    }
    if (config == null || !config.isObject()) {
      return new DockerConfig(null, source, "is not a JSON object", false);
    }
    for (String field : new String[] {"auths", "credHelpers"}) {
      if (config.has(field) && !config.get(field).isObject()) {
        return new DockerConfig(
            null, source, "has an \"" + field + "\" that is not an object", false);
      }
    }
    if (config.has("credsStore") && !config.get("credsStore").isTextual()) {
      return new DockerConfig(null, source, "has a \"credsStore\" that is not a string", false);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = config.path("credHelpers").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> helper = it.next();
      if (!helper.getValue().isTextual()) {
        return new DockerConfig(
            null,
            source,
            "has a \"credHelpers\" entry for " + helper.getKey() + " that is not a string",
            false);
      }
    }
    return new DockerConfig(config, source, null, helpersAllowed);
  }

  /** Credentials for {@code host}, or empty to go anonymous. */
  public Optional<RegistryCredentials> forHost(String host) throws SessionException {
    if (problem != null) {
      throw new SessionException(
          "the docker config " + source + " " + problem + "; fix it to reach " + host);
    }
    String wanted = canonicalHost(host);
    String helper = find(config.path("credHelpers"), wanted).map(JsonNode::asText).orElse("");
    if (helper.isEmpty()) {
      Optional<JsonNode> auth = find(config.path("auths"), wanted);
      helper = config.path("credsStore").asText("");
      if (auth.isPresent()) {
        Optional<RegistryCredentials> entry = fromAuthEntry(host, auth.get());
        if (entry.isPresent()) {
          return entry;
        }
        if (helper.isEmpty()) {
          // docker leaves such an entry when a credsStore holds the login: it is no credential
          throw new SessionException(
              "the docker config "
                  + source
                  + ": the entry for "
                  + host
                  + " has no \"auth\", \"identitytoken\" or \"username\", and no credsStore"
                  + " holds its login; log in again (docker login "
                  + host
                  + ") or remove the entry");
        }
      }
    }
    if (helper.isEmpty()) {
      return Optional.empty();
    }
    if (!helpersAllowed) {
      throw new SessionException(
          "the docker config "
              + source
              + " names the credential helper \""
              + helper
              + "\" for "
              + host
              + ", which runs no program from here; put the credentials for "
              + host
              + " under \"auths\"");
    }
    if (!HELPER_NAME.matcher(helper).matches()) {
      throw new SessionException(
          "the docker config "
              + source
              + " names a credential helper that is not a plain name (letters, digits, '.', '_',"
              + " '-'); fix its credsStore or credHelpers");
    }
    return fromHelper(helper, wanted.equals(HUB) ? HUB_SERVER : host, helperEnvironment);
  }

  /**
   * The host a registry name or config key stands for: no scheme, no path, and Docker Hub's aliases
   * as {@code docker.io}.
   */
  static String canonicalHost(String hostOrKey) {
    String h = hostOrKey.trim();
    int scheme = h.indexOf("://");
    if (scheme >= 0) {
      h = h.substring(scheme + 3);
    }
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    return switch (h) {
      case "index.docker.io", "registry-1.docker.io" -> HUB;
      default -> h;
    };
  }

  /** The entry whose key names {@code host}; an exact key wins over an equivalent one. */
  private static Optional<JsonNode> find(JsonNode entries, String host) {
    if (entries.has(host)) {
      return Optional.of(entries.get(host));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (canonicalHost(e.getKey()).equals(host)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  private Optional<RegistryCredentials> fromAuthEntry(String host, JsonNode auth)
      throws SessionException {
    if (!auth.isObject()) {
      throw new SessionException(
          "the docker config " + source + ": the entry for " + host + " is not an object");
    }
    for (String field : new String[] {"auth", "identitytoken", "username", "password"}) {
      if (auth.has(field) && !auth.get(field).isTextual() && !auth.get(field).isNull()) {
        throw new SessionException(
            "the docker config "
                + source
                + ": the \""
                + field
                + "\" of "
                + host
                + " is not a string");
      }
    }
    if (!auth.path("identitytoken").asText("").isEmpty()) {
      return Optional.of(
          new RegistryCredentials(
              auth.path("username").asText(""), auth.get("identitytoken").asText(), true));
    }
    if (!auth.path("auth").asText("").isEmpty()) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(auth.get("auth").asText().trim()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new SessionException(
            "the docker config " + source + ": the \"auth\" of " + host + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new SessionException(
            "the docker config " + source + ": the \"auth\" of " + host + " is not user:password");
      }
      return Optional.of(
          new RegistryCredentials(
              decoded.substring(0, colon), decoded.substring(colon + 1), false));
    }
    if (auth.hasNonNull("username")) {
      return Optional.of(
          new RegistryCredentials(
              auth.get("username").asText(), auth.path("password").asText(""), false));
    }
    return Optional.empty();
  }

  private static Optional<RegistryCredentials> fromHelper(
      String helper, String serverUrl, Map<String, String> env) throws SessionException {
    String command = "docker-credential-" + helper;
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command, "get").redirectError(ProcessBuilder.Redirect.DISCARD);
      if (env != null) {
        pb.environment().clear();
        pb.environment().putAll(env);
      }
      Process p = pb.start();
      // Read while it runs, so a helper that never closes its output still meets the timeout.
      CompletableFuture<byte[]> output =
          CompletableFuture.supplyAsync(
              () -> {
                try (InputStream in = p.getInputStream()) {
                  return in.readAllBytes();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      p.getOutputStream().write(serverUrl.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new SessionException(command + " get did not answer for " + serverUrl + " in 30s");
      }
      byte[] out;
      try {
        out = output.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new SessionException(command + " get's answer could not be read", e);
      }
      if (p.exitValue() != 0) {
        return Optional.empty(); // helpers exit non-zero for "no credentials for this host"
      }
      JsonNode answer;
      try {
        answer = JSON.readTree(out);
      } catch (IOException e) {
        // the parser's message quotes the input, which holds the secret
        throw new SessionException(command + " get answered with something that is not JSON");
      }
      if (answer == null
          || !answer.isObject()
          || !answer.path("Username").isTextual()
          || !answer.path("Secret").isTextual()) {
        throw new SessionException(
            command + " get answered without a \"Username\" and \"Secret\" string");
      }
      String user = answer.get("Username").asText();
      String secret = answer.get("Secret").asText();
      return Optional.of(new RegistryCredentials(user, secret, user.equals("<token>")));
    } catch (IOException e) {
      throw new SessionException(
          "the docker config names the credential helper "
              + command
              + ", which cannot run: "
              + e.getMessage()
              + "; install it or remove it from the config",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while asking " + command, e);
    }
  }
}
