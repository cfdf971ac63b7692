package dev.slipway.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.testing.Command;
import dev.slipway.testing.TestRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal token service for the registry's {@code auth: token} mode: checks one user's basic
 * credentials and answers with an RS256 JWT granting the scopes asked for, signed by a key whose
 * self-signed certificate (made with the openssl CLI) is the registry's root bundle.
 */
final class TokenServer implements AutoCloseable {
  static final String SERVICE = "slipway-test-registry";
  static final String ISSUER = "slipway-test-tokens";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Path certificate;
  private final PrivateKey key;
  private final String certDer;
  private final String user;
  private final String password;
  private final List<String> scopesAsked = new CopyOnWriteArrayList<>();

  TokenServer(Path dir, String user, String password) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    this.user = user;
    this.password = password;
    Path keyFile = dir.resolve("token.key");
    this.certificate = dir.resolve("token.crt");
    Command.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=slipway-test-tokens",
            "-keyout",
            keyFile.toString(),
            "-out",
            certificate.toString())
        .output();
    try {
      this.key =
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(pem(Files.readString(keyFile))));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
    this.certDer = Base64.getEncoder().encodeToString(pem(Files.readString(certificate)));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/token", this::issue);
    server.start();
  }

  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  Path certificate() {
    return certificate;
  }

  /** Every scope clients asked for, in order. */
  List<String> scopesAsked() {
    return scopesAsked;
  }

  private void issue(HttpExchange exchange) throws IOException {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
      return;
    }
    List<String> scopes = new ArrayList<>();
    String query = exchange.getRequestURI().getRawQuery();
    for (String param : query == null ? new String[0] : query.split("&")) {
      if (param.startsWith("scope=")) {
        scopes.add(URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8));
      }
    }
    scopesAsked.addAll(scopes);
    byte[] body =
        JSON.writeValueAsBytes(
            JSON.createObjectNode().put("token", jwt(scopes)).put("expires_in", 300));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private String jwt(List<String> scopes) throws IOException {
    ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
    header.putArray("x5c").add(certDer);
    long now = Instant.now().getEpochSecond();
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", ISSUER)
            .put("sub", user)
            .put("aud", SERVICE)
            .put("iat", now)
            .put("nbf", now - 10)
            .put("exp", now + 300)
            .put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : scopes) {
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      ObjectNode grant =
          access
              .addObject()
              .put("type", scope.substring(0, first))
              .put("name", scope.substring(first + 1, last));
      ArrayNode actions = grant.putArray("actions");
      for (String action : scope.substring(last + 1).split(",")) {
        actions.add(action);
      }
    }
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        url.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + url.encodeToString(JSON.writeValueAsBytes(claims));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + url.encodeToString(rsa.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static byte[] pem(String text) {
    String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(base64);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A registry that trusts the tokens this server signs. */
  TestRegistry registry(Path dir) throws IOException {
    return TestRegistry.withAuth(
        dir,
        """
        auth:
          token:
            realm: %s
            service: %s
            issuer: %s
            rootcertbundle: %s
        """
            .formatted(realm(), SERVICE, ISSUER, certificate()));
  }
}
