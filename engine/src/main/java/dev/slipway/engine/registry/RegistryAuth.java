package dev.slipway.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.session.RegistryCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers registry authentication challenges and remembers the answers: basic credentials for
 * registries that ask for them (htpasswd), and bearer tokens from the realm a registry names, one
 * per host and scope set ({@code repository:NAME:pull,push}). Anonymous when the build has no
 * credentials for the host. What was obtained with a build's credentials is remembered in that
 * build's {@link RegistryAccess} and never presented for another build (as BuildKit keeps its
 * authorizer per session); only anonymous tokens, which grant what anyone may read, are shared.
 * Credentials and tokens never appear in exception messages.
 */
final class RegistryAuth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final Supplier<HttpClient> http;
  private final AuthCache anonymous = new AuthCache();

  RegistryAuth(Supplier<HttpClient> http) {
    this.http = http;
  }

  /** The Authorization header this build already holds for these scopes on this host, if any. */
  Optional<String> header(String host, List<String> scopes, RegistryAccess access)
      throws IOException {
    return cache(host, access).header(host, scopes);
  }

  /** Forgets what the build held, after the registry refused it (an expired token). */
  void forget(String host, List<String> scopes, RegistryAccess access) throws IOException {
    cache(host, access).forget(host, scopes);
  }

  /** The build's own cache when it has credentials for the host, else the shared anonymous one. */
  private AuthCache cache(String host, RegistryAccess access) throws IOException {
    return access.credentials(host).isPresent() ? access.authCache() : anonymous;
  }

  /** Answers a 401's {@code WWW-Authenticate} challenge; returns the header to retry with. */
  String authorize(ImageName name, String challenge, List<String> scopes, RegistryAccess access)
      throws IOException {
    String host = name.registry();
    Optional<RegistryCredentials> credentials = access.credentials(host);
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      if (credentials.isEmpty()) {
        throw new RegistryException(
            name
                + ": the registry requires a login and no credentials were found for "
                + host
                + " (docker login "
                + host
                + ")",
            401);
      }
      String header = basic(credentials.get());
      access.authCache().basic(host, header);
      return header;
    }
    if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
      throw new RegistryException(
          name + ": the registry asks for an authentication scheme this engine does not speak",
          401);
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
    String token = fetchToken(name, realm, params.get("service"), scopes, credentials);
    String header = "Bearer " + token;
    (credentials.isPresent() ? access.authCache() : anonymous).token(host, scopes, header);
    return header;
  }

  private String fetchToken(
      ImageName name,
      String realm,
      String service,
      List<String> scopes,
      Optional<RegistryCredentials> credentials)
      throws IOException {
    StringBuilder query = new StringBuilder();
    if (service != null) {
      query.append("service=").append(enc(service));
    }
    for (String scope : scopes) {
      query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(scope));
    }
    HttpRequest request;
    if (credentials.isPresent() && credentials.get().identityToken()) {
      // OAuth2 refresh-token grant, as docker does with an identity token from `docker login`.
      String form =
          query
              + "&grant_type=refresh_token&client_id=slipway&refresh_token="
              + enc(credentials.get().secret());
      request =
          HttpRequest.newBuilder(URI.create(realm))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build();
    } else {
      HttpRequest.Builder get =
          HttpRequest.newBuilder(URI.create(realm + (realm.contains("?") ? "&" : "?") + query))
              .GET();
      credentials.ifPresent(c -> get.header("Authorization", basic(c)));
      request = get.build();
    }
    HttpResponse<byte[]> response;
    try {
      response = http.get().send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while authenticating to " + name.registry(), e);
    } catch (IOException e) {
      throw new RegistryException(
          name + ": cannot reach the token service " + URI.create(realm).getAuthority(), e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new RegistryException(
          name
              + ": the token service "
              + URI.create(realm).getAuthority()
              + " refused ("
              + response.statusCode()
              + ")"
              + (credentials.isEmpty()
                  ? "; log in first (docker login " + name.registry() + ")"
                  : "; check the credentials for " + name.registry()),
          response.statusCode());
    }
    JsonNode body = JSON.readTree(response.body());
    String value = body.path("token").asText(body.path("access_token").asText(""));
    if (value.isEmpty()) {
      throw new RegistryException(name + ": the token service answered without a token", 401);
    }
    return value;
  }

  private static String basic(RegistryCredentials c) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
