package dev.slipway.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageArchiveImporter;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.ImportRequest;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.credentials.DockerConfig;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two users share one engine (as they share a builder pod): alice has credentials for an htpasswd
 * registry on 127.0.0.1, bob has none. Nothing alice's builds obtained with her credentials — basic
 * auth, tokens, base images in the shared store — may serve bob's builds.
 */
class HostileRegistryTest {
  static final String USER = "alice";
  static final String PASSWORD = "alice-only-password-7";

  @TempDir Path tmp;
  TestRegistry registry;
  ImageStore seed;
  Image busybox;
  String base;
  Engine engine;

  @BeforeEach
  void privateRegistryWithABase() throws Exception {
    assumeTrue(TestRegistry.available(), "needs Debian's docker-registry");
    assumeTrue(Files.exists(Busybox.ARCHIVE), "needs the conformance busybox archive");
    registry = TestRegistry.htpasswd(tmp.resolve("reg"), USER, PASSWORD);
    seed = ImageStore.open(tmp.resolve("seed/images"), ContentStore.open(tmp.resolve("seed/c")));
    busybox = new ImageArchiveImporter(seed).importFrom(Busybox.ARCHIVE, ImportRequest.any());
    base = registry.host() + "/private/base:1";
    new RegistryClient()
        .push(
            ImageName.parse(base), busybox.descriptor(), seed.content(), List.of(), aliceAccess());
    engine = Engine.open(EngineConfig.defaults(tmp.resolve("state")));
  }

  @AfterEach
  void stop() throws Exception {
    if (engine != null) {
      engine.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void aBaseImageAnotherBuildPulledWithItsCredentialsIsRefused() throws Exception {
    Outcome alice = build(alice(), "FROM " + base + "\nRUN echo alice-pulled > /a.txt\n");
    assertThat(alice.failure()).isNull();

    Outcome bob = build(bob(), "FROM " + base + "\nRUN echo BOB-RUN-RAN\n");

    assertThat(bob.failure())
        .isNotNull()
        .hasMessageContaining("failed to resolve " + base)
        .hasMessageContaining("requires a login")
        .hasMessageContaining("docker login " + registry.host())
        .hasMessageContaining("this builder's copy came from another build");
    assertThat(bob.runSteps()).as("bob's RUN never starts").isZero();
    assertThat(bob.text()).doesNotContain("BOB-RUN-RAN").doesNotContain(PASSWORD);
  }

  /** The reproduction: alice pushes a private image through the builder, bob uses it. */
  @Test
  void anImageAnotherBuildBuiltAndPushedIsRefused() throws Exception {
    String img = registry.host() + "/private/img:1";
    Outcome alice =
        build(
            alice(),
            EngineBuilds.request("FROM " + base + "\nRUN echo alice-private-data > /private.txt\n")
                .addOutputs(push(img)));
    assertThat(alice.failure()).isNull();

    Outcome bob = build(bob(), "FROM " + img + "\nRUN cat /private.txt\n");

    assertThat(bob.failure())
        .isNotNull()
        .hasMessageContaining("failed to resolve " + img)
        .hasMessageContaining("requires a login")
        .hasMessageContaining("this builder's copy came from another build");
    assertThat(bob.runSteps()).isZero();
    assertThat(bob.text()).doesNotContain("alice-private-data");
  }

  /** As with {@code --local}: {@code -t app} then {@code FROM app}, never pushed anywhere. */
  @Test
  void anOwnersUnpushedOutputServesTheOwnersNextBuildButNoOtherBuild() throws Exception {
    String app = registry.host() + "/never-pushed/app:dev";
    Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(tmp.resolve("ctx/app.txt"), "alice-app");
    Outcome made =
        build(
            alice(),
            EngineBuilds.request("FROM scratch\nCOPY app.txt /app.txt\n")
                .addOutputs(
                    Output.newBuilder().setType(OutputType.OUTPUT_TYPE_IMAGE).addNames(app)));
    assertThat(made.failure()).isNull();

    assertThat(build(alice(), "FROM " + app + "\nCOPY app.txt /again.txt\n").failure())
        .as("alice's own output, without a registry")
        .isNull();
    Outcome bob = build(bob(), "FROM " + app + "\nRUN cat /app.txt\n");
    assertThat(bob.failure()).isNotNull().hasMessageContaining("failed to resolve " + app);
    assertThat(bob.runSteps()).isZero();
    assertThat(bob.text()).doesNotContain("alice-app");
  }

  @Test
  void anotherBuildsOutputNamedLikeABaseImageDoesNotStandInForIt() throws Exception {
    assertThat(build(alice(), "FROM " + base + "\nRUN true\n").failure()).isNull();
    Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(tmp.resolve("ctx/planted"), "bob's payload");
    Outcome bob =
        build(
            bob(),
            EngineBuilds.request("FROM scratch\nCOPY planted /bin/planted\n")
                .addOutputs(
                    Output.newBuilder().setType(OutputType.OUTPUT_TYPE_IMAGE).addNames(base)));
    assertThat(bob.failure()).as("bob may name his own output as he likes").isNull();

    Outcome alice =
        build(alice(), "FROM " + base + "\nRUN test ! -e /bin/planted && echo base-is-alices\n");

    assertThat(alice.failure()).isNull();
    assertThat(alice.text()).contains("base-is-alices");
  }

  @Test
  void aBuildWithoutCredentialsCannotPushWithAnotherBuilds() throws Exception {
    String img = registry.host() + "/private/img:1";
    Outcome alice =
        build(alice(), EngineBuilds.request("FROM " + base + "\nRUN true\n").addOutputs(push(img)));
    assertThat(alice.failure()).isNull();
    Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(tmp.resolve("ctx/bob.txt"), "bob's overwrite");

    Outcome bob =
        build(bob(), EngineBuilds.request("FROM scratch\nCOPY bob.txt /\n").addOutputs(push(img)));

    assertThat(bob.failure())
        .isNotNull()
        .hasMessageContaining("requires a login")
        .hasMessageContaining("docker login " + registry.host());
    assertThat(
            new RegistryClient().resolve(ImageName.parse(img), aliceAccess()).digest().toString())
        .as("alice's tag is untouched")
        .isEqualTo(alice.result().getImageDigest());
  }

  @Test
  void anotherBuildsPrivateRemoteCacheIsRefusedNotImported() throws Exception {
    String cache = registry.host() + "/private/cache:1";
    Outcome alice =
        build(
            alice(),
            EngineBuilds.request("FROM " + base + "\nRUN echo cache-of-alice > /c\n")
                .addCacheTo(RemoteCacheTest.registryCache(cache, "max")));
    assertThat(alice.failure()).isNull();
    Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(tmp.resolve("ctx/bob.txt"), "bob");

    Outcome bob =
        build(
            bob(),
            EngineBuilds.request("FROM scratch\nCOPY bob.txt /\n")
                .addCacheFrom(RemoteCacheTest.registryCache(cache, "max")));

    assertThat(bob.failure())
        .isNotNull()
        .hasMessageContaining("importing cache from")
        .hasMessageContaining("requires a login");
    assertThat(bob.text()).doesNotContain("cache-of-alice");
  }

  @Test
  void theOwnersRebuildReusesItsCopyWithoutAskingTheRegistry() throws Exception {
    String dockerfile = "FROM " + base + "\nRUN echo once > /once.txt\n";
    assertThat(build(alice(), dockerfile).failure()).isNull();
    long requests = registry.requests("(HEAD|GET) /v2/private/base/");

    long started = System.nanoTime();
    Outcome again = build(alice(), dockerfile);
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(again.failure()).isNull();
    assertThat(again.runsCached()).as("the RUN comes from the cache").isEqualTo(1);
    assertThat(registry.requests("(HEAD|GET) /v2/private/base/") - requests)
        .as("alice pulled it herself: her rebuild (pull=false) needs no registry round trip")
        .isZero();
    System.out.println("owner's no-op rebuild: " + millis + " ms");
  }

  @Test
  void withoutTheRegistryAPrivateCopyIsRefusedNotServed() throws Exception {
    assertThat(build(alice(), "FROM " + base + "\nRUN true\n").failure()).isNull();
    registry.stop();

    Outcome bob = build(bob(), "FROM " + base + "\nRUN echo BOB-RUN-RAN\n");

    assertThat(bob.failure())
        .isNotNull()
        .hasMessageContaining("cannot reach the registry " + registry.host())
        .hasMessageContaining("this builder's copy came from another build");
    assertThat(bob.runSteps()).isZero();
  }

  @Test
  void aPublicImageFetchedAnonymouslyServesEveryBuildWithoutALogin() throws Exception {
    try (TestRegistry open = TestRegistry.anonymous(tmp.resolve("public"))) {
      String pub = open.host() + "/library/busybox:1";
      new RegistryClient()
          .push(
              ImageName.parse(pub),
              busybox.descriptor(),
              seed.content(),
              List.of(),
              RegistryAccess.anonymous());
      // alice has credentials, but not for this registry: her pull is anonymous, so public
      assertThat(build(alice(), "FROM " + pub + "\nRUN true\n").failure()).isNull();
      open.stop();

      Outcome bob = build(bob(), "FROM " + pub + "\nRUN echo bob-on-public\n");

      assertThat(bob.failure()).isNull();
      assertThat(bob.text()).contains("bob-on-public");
    }
  }

  @Test
  void aTokenObtainedWithOneBuildsCredentialsServesNoOtherBuild() throws Exception {
    try (TokenServer tokens = new TokenServer(tmp.resolve("tokens"), USER, PASSWORD);
        TestRegistry secure = tokens.registry(tmp.resolve("secure"));
        RegistryClient shared = new RegistryClient()) {
      Image image = TestImages.create(seed, 11, LayerCompression.gzip(1), 10_000);
      ImageName name = ImageName.parse(secure.host() + "/secure/app:v1");
      shared.push(name, image.descriptor(), seed.content(), List.of(), aliceAccess());
      shared.pull(name, RegistryClientTest.AMD64, store("alice"), aliceAccess());
      ContentStore bobs = store("bob");

      assertThatThrownBy(
              () -> shared.pull(name, RegistryClientTest.AMD64, bobs, RegistryAccess.anonymous()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("token service")
          .hasMessageContaining("log in");
      assertThat(bobs.exists(image.descriptor().digest())).isFalse();
    }
  }

  @Test
  void basicCredentialsOfOneBuildServeNoOtherBuild() throws Exception {
    try (RegistryClient shared = new RegistryClient()) {
      ImageName name = ImageName.parse(base);
      shared.pull(name, RegistryClientTest.AMD64, store("alice"), aliceAccess());
      ContentStore bobs = store("bob");

      assertThatThrownBy(
              () -> shared.pull(name, RegistryClientTest.AMD64, bobs, RegistryAccess.anonymous()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("requires a login");
      assertThatThrownBy(
              () ->
                  shared.push(
                      ImageName.parse(registry.host() + "/private/bob:1"),
                      busybox.descriptor(),
                      seed.content(),
                      List.of(),
                      RegistryAccess.anonymous()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("requires a login");
      assertThat(bobs.exists(busybox.descriptor().digest())).isFalse();
    }
  }

  // --- helpers

  record Outcome(BuildResult result, BuildFailedException failure, List<SolveEvent> events) {
    String text() {
      StringBuilder all = new StringBuilder(failure == null ? "" : failure.getMessage());
      for (SolveEvent e : events) {
        all.append(e.hasLog() ? e.getLog().getData().toStringUtf8() : e.toString());
      }
      return all.toString();
    }

    /** RUN steps that started. */
    long runSteps() {
      return events.stream()
          .filter(SolveEvent::hasVertex)
          .filter(e -> e.getVertex().getName().contains("RUN "))
          .count();
    }

    long runsCached() {
      return new EngineBuilds.Build(result, events).runsCached();
    }
  }

  /** A user of the shared engine: whose builds (the owner key) and with which docker config. */
  private record User(String name, DockerConfig config) {}

  private Outcome build(User who, String dockerfile) throws Exception {
    return build(who, EngineBuilds.request(dockerfile));
  }

  private Outcome build(User who, SolveRequest.Builder request) throws Exception {
    Files.createDirectories(tmp.resolve("ctx"));
    List<SolveEvent> events = new CopyOnWriteArrayList<>();
    try (LocalSession session =
        LocalSession.builder()
            .context("context", tmp.resolve("ctx"))
            .credentials(who.config())
            .owner(who.name())
            .build()) {
      BuildResult result =
          engine.solve(request.build(), session, events::add, new BuildCancellation());
      return new Outcome(result, null, events);
    } catch (BuildFailedException e) {
      return new Outcome(null, e, events);
    }
  }

  private Output push(String name) {
    return Output.newBuilder()
        .setType(OutputType.OUTPUT_TYPE_IMAGE)
        .addNames(name)
        .setPush(true)
        .build();
  }

  private User alice() {
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}";
    return new User(
        "alice",
        DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8), "alice's docker config"));
  }

  private static User bob() {
    return new User("bob", DockerConfig.empty());
  }

  private static RegistryAccess aliceAccess() {
    return new RegistryAccess(
        host -> Optional.of(new RegistryCredentials(USER, PASSWORD, false)), Set.of(), "alice");
  }

  private ContentStore store(String who) throws Exception {
    return ContentStore.open(tmp.resolve("stores").resolve(who));
  }
}
