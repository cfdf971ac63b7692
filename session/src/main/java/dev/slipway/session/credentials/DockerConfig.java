package dev.slipway.session.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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

  private final JsonNode config;
  private final String source;
  private final String problem;

  private DockerConfig(JsonNode config, String source, String problem) {
    this.config = config;
    this.source = source;
    this.problem = problem;
  }

  /** No credentials at all: every host is anonymous. */
  public static DockerConfig empty() {
    return new DockerConfig(JSON.createObjectNode(), "no docker config", null);
  }

  /** The user's docker configuration; empty when there is no config.json. */
  public static DockerConfig fromEnvironment() {
    String dir = System.getenv("DOCKER_CONFIG");
    return read(
        dir != null && !dir.isBlank()
            ? Path.of(dir, "config.json")
            : Path.of(System.getProperty("user.home"), ".docker", "config.json"));
  }

  /** The config in {@code configJson}; empty when the file does not exist. */
  public static DockerConfig read(Path configJson) {
    try {
      return parse(Files.readAllBytes(configJson), configJson.toString());
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException e) {
      return new DockerConfig(null, configJson.toString(), "cannot be read: " + e.getMessage());
    }
  }

  /**
   * Parses docker config JSON; {@code source} names where it came from in error messages (a file,
   * or "Secret NAME in NAMESPACE").
   */
  public static DockerConfig parse(byte[] json, String source) {
    JsonNode config;
    try {
      config = JSON.readTree(json);
    } catch (IOException e) {
      return new DockerConfig(null, source, "is not valid JSON");
    }
    if (config == null || !config.isObject()) {
      return new DockerConfig(null, source, "is not a JSON object");
    }
    for (String field : new String[] {"auths", "credHelpers"}) {
      if (config.has(field) && !config.get(field).isObject()) {
        return new DockerConfig(null, source, "has an \"" + field + "\" that is not an object");
      }
    }
    return new DockerConfig(config, source, null);
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
      if (auth.isPresent()) {
        return fromAuthEntry(host, auth.get());
      }
      helper = config.path("credsStore").asText("");
    }
    return helper.isEmpty()
        ? Optional.empty()
        : fromHelper(helper, wanted.equals(HUB) ? HUB_SERVER : host);
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

  private static Optional<RegistryCredentials> fromHelper(String helper, String serverUrl)
      throws SessionException {
    String command = "docker-credential-" + helper;
    try {
      Process p = new ProcessBuilder(command, "get").start();
      p.getOutputStream().write(serverUrl.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new SessionException(command + " get did not answer for " + serverUrl + " in 30s");
      }
      if (p.exitValue() != 0) {
        return Optional.empty(); // helpers exit non-zero for "no credentials for this host"
      }
      JsonNode answer = JSON.readTree(out);
      String user = answer.path("Username").asText("");
      String secret = answer.path("Secret").asText("");
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
