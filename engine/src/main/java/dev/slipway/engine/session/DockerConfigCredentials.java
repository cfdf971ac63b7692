package dev.slipway.engine.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials as the docker CLI keeps them: {@code config.json} ({@code $DOCKER_CONFIG} or
 * {@code ~/.docker}) with {@code auths}, a default {@code credsStore} and per-host {@code
 * credHelpers} (run as {@code docker-credential-NAME get}). Messages never include a secret.
 */
public final class DockerConfigCredentials {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode config;

  DockerConfigCredentials(JsonNode config) {
    this.config = config;
  }

  /** The user's docker configuration, or none when there is no readable config.json. */
  public static DockerConfigCredentials fromEnvironment() {
    String dir = System.getenv("DOCKER_CONFIG");
    Path file =
        dir != null && !dir.isBlank()
            ? Path.of(dir, "config.json")
            : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return from(file);
  }

  public static DockerConfigCredentials from(Path configJson) {
    try {
      return new DockerConfigCredentials(
          Files.isReadable(configJson)
              ? JSON.readTree(configJson.toFile())
              : JSON.createObjectNode());
    } catch (IOException e) {
      return new DockerConfigCredentials(JSON.createObjectNode());
    }
  }

  public Optional<RegistryCredentials> forHost(String host) throws SessionException {
    String helper = config.path("credHelpers").path(host).asText("");
    if (helper.isEmpty()) {
      JsonNode auth = findAuth(host);
      if (auth != null) {
        return fromAuthEntry(host, auth);
      }
      helper = config.path("credsStore").asText("");
    }
    return helper.isEmpty() ? Optional.empty() : fromHelper(helper, host);
  }

  private JsonNode findAuth(String host) {
    JsonNode auths = config.path("auths");
    for (String key : new String[] {host, "https://" + host, "http://" + host}) {
      if (auths.has(key)) {
        return auths.get(key);
      }
    }
    if (host.equals("docker.io") || host.equals("registry-1.docker.io")) {
      JsonNode hub = auths.get("https://index.docker.io/v1/");
      if (hub != null) {
        return hub;
      }
    }
    return null;
  }

  private static Optional<RegistryCredentials> fromAuthEntry(String host, JsonNode auth)
      throws SessionException {
    if (auth.hasNonNull("identitytoken") && !auth.get("identitytoken").asText().isEmpty()) {
      return Optional.of(
          new RegistryCredentials(
              auth.path("username").asText(""), auth.get("identitytoken").asText(), true));
    }
    if (auth.hasNonNull("auth") && !auth.get("auth").asText().isEmpty()) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(auth.get("auth").asText()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new SessionException(
            "docker config.json: the \"auth\" of " + host + " is not base64; log in again");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new SessionException(
            "docker config.json: the \"auth\" of " + host + " is not user:password; log in again");
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

  private static Optional<RegistryCredentials> fromHelper(String helper, String host)
      throws SessionException {
    String command = "docker-credential-" + helper;
    try {
      Process p = new ProcessBuilder(command, "get").start();
      p.getOutputStream().write(host.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new SessionException(command + " get did not answer for " + host + " in 30s");
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
          "config.json names the credential helper "
              + command
              + ", which cannot run: "
              + e.getMessage()
              + "; install it or remove it from config.json",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while asking " + command, e);
    }
  }
}
