package dev.slipway.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.image.Platform;
import dev.slipway.engine.session.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls images over the OCI distribution API into the content store: resolves a tag or digest to a
 * manifest (choosing the platform from an index), then fetches the config and the layers the store
 * does not have yet, verifying each digest. Handles anonymous, basic and bearer-token registries;
 * plain http only for hosts the caller allows (loopback by default).
 */
public final class RegistryClient {
  private static final String ACCEPT =
      String.join(
          ", ",
          MediaTypes.OCI_INDEX,
          MediaTypes.OCI_MANIFEST,
          MediaTypes.DOCKER_MANIFEST_LIST,
          MediaTypes.DOCKER_MANIFEST);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /** Looks up credentials for a registry host; empty means anonymous. */
  @FunctionalInterface
  public interface Credentials {
    Optional<RegistryCredentials> forHost(String host) throws IOException;
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofSeconds(30))
          .build();
  private final Predicate<String> plainHttp;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  /**
   * @param plainHttp hosts (host:port as in image names) reached over http instead of https
   */
  public RegistryClient(Predicate<String> plainHttp) {
    this.plainHttp = plainHttp;
  }

  /**
   * Pulls {@code name} for {@code platform} into {@code content}; returns the descriptor of the
   * manifest (or index) the name points at, to be tagged in an image store.
   */
  public Descriptor pull(ImageName name, Platform platform, ContentStore content, Credentials creds)
      throws IOException {
    Fetched top = fetchManifest(name, name.reference(), creds);
    content.ingest(new java.io.ByteArrayInputStream(top.bytes()), top.descriptor().digest());
    Descriptor manifest = top.descriptor();
    if (MediaTypes.isIndex(manifest.mediaType())) {
      ImageIndex index = ImageIndex.parse(top.bytes(), "image index of " + name);
      manifest = ImageStore.selectPlatform(index, platform, manifest);
      if (!content.exists(manifest.digest())) {
        Fetched chosen = fetchManifest(name, manifest.digest().toString(), creds);
        content.ingest(new java.io.ByteArrayInputStream(chosen.bytes()), manifest.digest());
      }
    }
    Manifest m = Manifest.parse(content.read(manifest.digest()), "manifest of " + name);
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(m.config());
    blobs.addAll(m.layers());
    for (Descriptor blob : blobs) {
      if (!content.exists(blob.digest())) {
        fetchBlob(name, blob, content, creds);
      }
    }
    return top.descriptor();
  }

  private record Fetched(Descriptor descriptor, byte[] bytes) {}

  private Fetched fetchManifest(ImageName name, String reference, Credentials creds)
      throws IOException {
    HttpResponse<byte[]> response =
        send(
            name,
            "/manifests/" + reference,
            ACCEPT,
            creds,
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      throw new RegistryException(
          name + ": not found in the registry; check the name and tag (and --platform)", 404);
    }
    check(name, "manifest " + reference, response.statusCode());
    byte[] body = response.body();
    String mediaType =
        response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    if (!MediaTypes.isManifest(mediaType) && !MediaTypes.isIndex(mediaType)) {
      mediaType = JSON.readTree(body).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
    }
    Digest digest = Digest.of(body);
    if (reference.startsWith("sha256:") && !digest.toString().equals(reference)) {
      throw new RegistryException(
          name + ": the registry sent a manifest whose digest is " + digest + ", not " + reference,
          0);
    }
    return new Fetched(Descriptor.of(mediaType, digest, body.length), body);
  }

  private void fetchBlob(ImageName name, Descriptor blob, ContentStore content, Credentials creds)
      throws IOException {
    HttpResponse<InputStream> response =
        send(
            name,
            "/blobs/" + blob.digest(),
            "*/*",
            creds,
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 != 2) {
      response.body().close();
      check(name, "blob " + blob.digest(), response.statusCode());
    }
    try (InputStream in = response.body()) {
      content.ingest(in, blob);
    }
  }

  private static void check(ImageName name, String what, int status) throws RegistryException {
    if (status / 100 == 2) {
      return;
    }
    String hint =
        switch (status) {
          case 401 -> "authentication required: log in (docker login " + name.registry() + ")";
          case 403 ->
              "access denied: the credentials for "
                  + name.registry()
                  + " may not pull "
                  + name.repository();
          case 429 -> "the registry is rate limiting: try again later";
          default -> "the registry answered " + status;
        };
    throw new RegistryException(name + ": " + what + ": " + hint, status);
  }

  private <T> HttpResponse<T> send(
      ImageName name,
      String path,
      String accept,
      Credentials creds,
      HttpResponse.BodyHandler<T> body)
      throws IOException {
    URI uri = URI.create(base(name) + "/v2/" + name.repository() + path);
    String authKey = name.apiHost() + "|" + name.repository();
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", accept).GET();
      String auth = tokens.get(authKey);
      if (auth != null) {
        request.header("Authorization", auth);
      }
      HttpResponse<T> response;
      try {
        response = http.send(request.build(), body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException("interrupted while talking to " + name.registry(), e);
      } catch (IOException e) {
        throw new RegistryException(
            "cannot reach the registry "
                + name.registry()
                + " ("
                + uri.getScheme()
                + "): "
                + e.getMessage(),
            e);
      }
      if (response.statusCode() != 401 || attempt > 0) {
        return response;
      }
      if (response.body() instanceof InputStream in) {
        in.close();
      }
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      tokens.put(authKey, authorize(name, challenge, creds));
    }
  }

  /** Answers a 401 challenge: basic credentials, or a bearer token from the realm. */
  private String authorize(ImageName name, String challenge, Credentials creds) throws IOException {
    Optional<RegistryCredentials> credentials = creds.forHost(name.registry());
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      if (credentials.isEmpty()) {
        throw new RegistryException(
            name
                + ": the registry requires a login and no credentials were found for "
                + name.registry()
                + " (docker login "
                + name.registry()
                + ")",
            401);
      }
      return basic(credentials.get());
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new RegistryException(
          name + ": the registry's authentication challenge has no realm", 401);
    }
    StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    url.append("scope=").append(enc("repository:" + name.repository() + ":pull"));
    if (params.containsKey("service")) {
      url.append("&service=").append(enc(params.get("service")));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).GET();
    credentials.ifPresent(c -> request.header("Authorization", basic(c)));
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        throw new RegistryException(
            name
                + ": the token service "
                + URI.create(realm).getHost()
                + " refused ("
                + response.statusCode()
                + ")"
                + (credentials.isEmpty() ? "; log in first" : "; check the credentials"),
            response.statusCode());
      }
      JsonNode token = JSON.readTree(response.body());
      String value = token.path("token").asText(token.path("access_token").asText(""));
      if (value.isEmpty()) {
        throw new RegistryException(name + ": the token service answered without a token", 401);
      }
      return "Bearer " + value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while authenticating to " + name.registry(), e);
    }
  }

  private static String basic(RegistryCredentials c) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private String base(ImageName name) {
    boolean plain = name.isLoopback() || plainHttp.test(name.registry());
    return (plain ? "http://" : "https://") + name.apiHost();
  }
}
