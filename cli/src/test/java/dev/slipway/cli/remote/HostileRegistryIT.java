package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.session.auth.BuildGrant;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.GrantSigner;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction through a real {@code slipway-builder} shared by two users: alice, with
 * credentials for an htpasswd registry on 127.0.0.1, pushes a private image through the builder;
 * bob, with an empty docker config, then builds from it (or pushes over it) through the same
 * builder. Bob is refused with a login error and his RUN never runs; alice's own builds still work.
 */
class HostileRegistryIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path REGISTRY = Path.of("/usr/bin/docker-registry");
  private static final String USER = "alice";
  private static final String PASSWORD = "alice-only-password-7";

  /** bcrypt of PASSWORD (the only htpasswd scheme the distribution registry takes). */
  private static final String HASH = "$2b$05$4gyLC8ckZ2jjpR1ZmZAoC.gZVipQXaT3NMw0RnNVRZNfD0GPRCqk.";

  @TempDir static Path shared;
  private static BuilderProcess builder;
  private static Process registry;
  private static String host;
  private static final String AUDIENCE = "hostile-registry-it";
  private static Map<Path, Path> grants;
  private static Path alice;
  private static Path bob;

  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(REGISTRY), "needs Debian's docker-registry");
    host = "127.0.0.1:" + freePort();
    registry = startRegistry(shared.resolve("registry"));
    alice =
        dockerConfig("alice", "{\"auths\": {\"" + host + "\": {\"auth\": \"" + auth() + "\"}}}");
    bob = dockerConfig("bob", "{}");
    // Two callers of a shared builder, each with a grant of its own (as the operator gives each
    // build): with one shared dev token they would be one principal, and one owner of the store.
    GrantSigner signer = GrantSigner.generate();
    Path key = Files.writeString(shared.resolve("grants.pub"), signer.publicKeyPem());
    grants =
        Map.of(
            alice, grant(signer, "alice"),
            bob, grant(signer, "bob"));
    builder =
        BuilderProcess.start(
            REPO,
            shared.resolve("state"),
            List.of("--auth-public-key", key.toString(), "--auth-audience", AUDIENCE),
            Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (builder != null) {
      builder.close();
    }
    if (registry != null) {
      registry.destroy();
      registry.waitFor();
    }
  }

  @Test
  void bobCannotBuildFromOrPushOverAlicesPrivateImageThroughTheSameBuilder() throws Exception {
    String image = host + "/private/img:1";
    Command.Running push =
        build(
            alice,
            "FROM " + Busybox.IN_REGISTRY + "\nRUN echo alice-private-data > /private.txt\n",
            "-t",
            image,
            "--push");
    assertThat(push.await()).as(push.output()).isZero();

    Command.Running from = build(bob, "FROM " + image + "\nRUN cat /private.txt\n");
    assertThat(from.await()).as(from.output()).isNotZero();
    assertThat(from.output())
        .contains("requires a login")
        .contains("docker login " + host)
        .doesNotContain("alice-private-data")
        .doesNotContain("RUN cat");

    Command.Running over =
        build(bob, "FROM " + Busybox.IN_REGISTRY + "\nRUN true\n", "-t", image, "--push");
    assertThat(over.await()).as(over.output()).isNotZero();
    assertThat(over.output()).contains("requires a login");

    Command.Running again = build(alice, "FROM " + image + "\nRUN cat /private.txt\n");
    assertThat(again.await()).as(again.output()).isZero();
    assertThat(again.output()).contains("alice-private-data");
  }

  private Command.Running build(Path dockerConfig, String dockerfile, String... args)
      throws IOException {
    Path context = Files.createTempDirectory(work, "ctx-");
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    List<String> command =
        new ArrayList<>(
            List.of(
                REPO.resolve("bin/slipway").toString(),
                "build",
                "--builder",
                builder.address(),
                "--token-file",
                grants.get(dockerConfig).toString(),
                "--progress",
                "plain"));
    command.addAll(List.of(args));
    command.add(context.toString());
    return Command.of(command)
        .env("SSH_AUTH_SOCK", null)
        .env("DOCKER_CONFIG", dockerConfig.toString())
        .start(Files.createTempFile(work, "cli-", ".log"));
  }

  private static Path grant(GrantSigner signer, String principal) throws IOException {
    BuildGrant grant =
        new BuildGrant(
            principal,
            Set.of(GrantScope.BUILD),
            Optional.empty(),
            Instant.now().plus(Duration.ofHours(1)));
    return Files.writeString(
        shared.resolve(principal + ".grant"), signer.sign(grant, AUDIENCE) + "\n");
  }

  private static String auth() {
    return Base64.getEncoder()
        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  private static Path dockerConfig(String who, String json) throws IOException {
    Path dir = Files.createDirectories(shared.resolve("docker-" + who));
    Files.writeString(dir.resolve("config.json"), json);
    return dir;
  }

  private static Process startRegistry(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("htpasswd"), USER + ":" + HASH + "\n");
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        """
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: %s
          secret: slipway-hostile-it
        auth:
          htpasswd:
            realm: slipway-hostile-it
            path: %s
        """
            .formatted(dir.resolve("data"), host, dir.resolve("htpasswd")));
    Process process =
        new ProcessBuilder(REGISTRY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 200; i++) {
      try {
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + host + "/v2/"))
                .timeout(Duration.ofSeconds(1))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        return process;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IOException(
        "the registry did not start: " + Files.readString(dir.resolve("registry.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
