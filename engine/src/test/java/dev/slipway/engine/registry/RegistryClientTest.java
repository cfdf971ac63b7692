package dev.slipway.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.testing.Command;
import dev.slipway.testing.TestRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push, pull and auth against real distribution registries on 127.0.0.1. */
class RegistryClientTest {
  static final Platform AMD64 = Platform.parse("linux/amd64");
  static final String USER = "builder";
  static final String PASSWORD = "s3cret-Pa55word";

  @TempDir Path tmp;
  ImageStore images;
  RegistryClient client = new RegistryClient(RetryPolicy.DEFAULT, 1 << 20, 4);

  @BeforeEach
  void checkRegistry() throws Exception {
    assumeTrue(TestRegistry.available(), "needs Debian's docker-registry");
    images = ImageStore.open(tmp.resolve("images"), ContentStore.open(tmp.resolve("content")));
  }

  @Test
  void pushedImageIsPulledBackByteIdenticalByTagAndByDigest() throws Exception {
    try (TestRegistry registry = TestRegistry.anonymous(tmp.resolve("reg"))) {
      Image image = TestImages.create(images, 1, LayerCompression.gzip(6), 3_000_000, 200_000);
      ImageName name = ImageName.parse(registry.host() + "/team/app:v1");

      PushReport first =
          client.push(name, image.descriptor(), images.content(), List.of(), anonymous());
      assertThat(first.digest()).isEqualTo(image.descriptor().digest().toString());
      assertThat(first.blobsUploaded()).isEqualTo(3);
      assertThat(registry.requests("PATCH /v2/team/app/blobs/uploads/"))
          .as("the big layer goes in 1 MiB chunks")
          .isEqualTo((image.layers().get(0).size() + (1 << 20) - 1) >> 20)
          .isGreaterThan(1);
      PushReport again =
          client.push(name, image.descriptor(), images.content(), List.of(), anonymous());
      assertThat(again.blobsExisting()).isEqualTo(3);
      assertThat(again.blobsUploaded()).isZero();

      ContentStore fresh = ContentStore.open(tmp.resolve("fresh"));
      Descriptor byTag = client.pull(name, AMD64, fresh, anonymous());
      assertThat(byTag.digest()).isEqualTo(image.descriptor().digest());
      ImageName byDigestName =
          ImageName.parse(registry.host() + "/team/app@" + image.descriptor().digest());
      ContentStore fresh2 = ContentStore.open(tmp.resolve("fresh2"));
      assertThat(client.pull(byDigestName, AMD64, fresh2, anonymous()).digest())
          .isEqualTo(image.descriptor().digest());
      for (Descriptor blob : image.layers()) {
        assertThat(fresh.read(blob.digest())).isEqualTo(images.content().read(blob.digest()));
        assertThat(fresh2.exists(blob.digest())).isTrue();
      }
      assertThat(fresh.read(image.configDescriptor().digest()))
          .isEqualTo(images.content().read(image.configDescriptor().digest()));

      JsonNode inspect = skopeoInspect(registry.host() + "/team/app:v1");
      assertThat(inspect.path("Digest").asText()).isEqualTo(first.digest());
      List<String> layers = new java.util.ArrayList<>();
      inspect.path("Layers").forEach(l -> layers.add(l.asText()));
      assertThat(layers)
          .containsExactlyElementsOf(
              image.layers().stream().map(l -> l.digest().toString()).toList());
      assertThat(inspect.path("Architecture").asText()).isEqualTo("amd64");
    }
  }

  @Test
  void secondRepositoryGetsTheBlobsByCrossRepositoryMount() throws Exception {
    try (TestRegistry registry = TestRegistry.anonymous(tmp.resolve("reg"))) {
      Image image = TestImages.create(images, 2, LayerCompression.zstd(3), 500_000, 10_000);
      client.push(
          ImageName.parse(registry.host() + "/base/img:1"),
          image.descriptor(),
          images.content(),
          List.of(),
          anonymous());
      PushReport second =
          client.push(
              ImageName.parse(registry.host() + "/other/app:2"),
              image.descriptor(),
              images.content(),
              List.of("base/img"),
              anonymous());
      assertThat(second.blobsMounted()).isEqualTo(3);
      assertThat(second.bytesUploaded()).isZero();
      assertThat(registry.requests("POST /v2/other/app/blobs/uploads/\\?mount=")).isEqualTo(3);
      assertThat(registry.requests("PATCH /v2/other/app/")).isZero();
    }
  }

  @Test
  void htpasswdRegistryTakesTheSessionsCredentialsAndNeverEchoesThem() throws Exception {
    try (TestRegistry registry = TestRegistry.htpasswd(tmp.resolve("reg"), USER, PASSWORD)) {
      Image image = TestImages.create(images, 3, LayerCompression.gzip(1), 50_000);
      ImageName name = ImageName.parse(registry.host() + "/private/app:v1");

      assertThatThrownBy(
              () -> client.push(name, image.descriptor(), images.content(), List.of(), anonymous()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("docker login " + registry.host());
      assertThatThrownBy(
              () ->
                  new RegistryClient()
                      .push(
                          name,
                          image.descriptor(),
                          images.content(),
                          List.of(),
                          login("wrong-" + PASSWORD)))
          .isInstanceOf(RegistryException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));

      client.push(name, image.descriptor(), images.content(), List.of(), login(PASSWORD));
      ContentStore fresh = ContentStore.open(tmp.resolve("fresh"));
      assertThat(client.pull(name, AMD64, fresh, login(PASSWORD)).digest())
          .isEqualTo(image.descriptor().digest());
    }
  }

  @Test
  void tokenRegistryGetsBearerTokensScopedForPushAndPull() throws Exception {
    try (TokenServer tokens = new TokenServer(tmp.resolve("tokens"), USER, PASSWORD);
        TestRegistry registry = tokens.registry(tmp.resolve("reg"))) {
      Image image = TestImages.create(images, 4, LayerCompression.gzip(1), 50_000);
      ImageName name = ImageName.parse(registry.host() + "/secure/app:v1");

      client.push(name, image.descriptor(), images.content(), List.of(), login(PASSWORD));
      assertThat(tokens.scopesAsked()).contains("repository:secure/app:pull,push");

      assertThatThrownBy(
              () ->
                  new RegistryClient()
                      .pull(name, AMD64, ContentStore.open(tmp.resolve("anon")), anonymous()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("token service")
          .hasMessageContaining("log in");

      ContentStore fresh = ContentStore.open(tmp.resolve("fresh"));
      assertThat(new RegistryClient().pull(name, AMD64, fresh, login(PASSWORD)).digest())
          .isEqualTo(image.descriptor().digest());
      assertThat(tokens.scopesAsked()).contains("repository:secure/app:pull");
    }
  }

  @Test
  void pushInterruptedByARegistryRestartCompletesOnRetry() throws Exception {
    try (TestRegistry registry = TestRegistry.anonymous(tmp.resolve("reg"))) {
      Image image = TestImages.create(images, 5, LayerCompression.none(), 40_000_000);
      ImageName name = ImageName.parse(registry.host() + "/restart/app:v1");
      RegistryClient slowChunks = new RegistryClient(RetryPolicy.DEFAULT, 1 << 20, 1);

      CompletableFuture<PushReport> push =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return slowChunks.push(
                      name, image.descriptor(), images.content(), List.of(), anonymous());
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (registry.requests("PATCH /v2/restart/app/blobs/uploads/") < 5
          && System.nanoTime() < deadline) {
        TestRegistry.sleep(10);
      }
      assertThat(push).isNotDone();
      registry.restart();

      PushReport report = push.get(2, TimeUnit.MINUTES);
      assertThat(report.digest()).isEqualTo(image.descriptor().digest().toString());
      ContentStore fresh = ContentStore.open(tmp.resolve("fresh"));
      assertThat(client.pull(name, AMD64, fresh, anonymous()).digest())
          .isEqualTo(image.descriptor().digest());
      assertThat(fresh.exists(image.layers().get(0).digest())).isTrue();
    }
  }

  @Test
  void aBrokenDownloadResumesWithARangeRequestAndIsVerified() throws Exception {
    try (TestRegistry registry = TestRegistry.anonymous(tmp.resolve("reg"));
        CuttingProxy proxy = new CuttingProxy(registry.host(), 300_000)) {
      Image image = TestImages.create(images, 6, LayerCompression.none(), 2_000_000);
      client.push(
          ImageName.parse(registry.host() + "/cut/app:v1"),
          image.descriptor(),
          images.content(),
          List.of(),
          anonymous());

      ContentStore fresh = ContentStore.open(tmp.resolve("fresh"));
      client.pull(ImageName.parse(proxy.host() + "/cut/app:v1"), AMD64, fresh, anonymous());

      // One resume, from where the client's bytes stopped: at most the 300,000 the proxy sent, and
      // fewer when the cut connection dropped some of them in flight.
      assertThat(proxy.ranges()).hasSize(1);
      long resumedAt =
          Long.parseLong(proxy.ranges().getFirst().replaceAll("^bytes=(\\d+)-$", "$1"));
      assertThat(resumedAt).isPositive().isLessThanOrEqualTo(300_000);
      Descriptor layer = image.layers().getFirst();
      assertThat(fresh.read(layer.digest())).isEqualTo(images.content().read(layer.digest()));
    }
  }

  @Test
  void plainHttpOnlyForLoopbackAndListedHosts() {
    RegistryTransport transport = new RegistryTransport(RetryPolicy.DEFAULT);
    RegistryAccess access =
        new RegistryAccess(h -> Optional.empty(), Set.of("reg.internal:5000"), "test");
    assertThat(transport.uri(ImageName.parse("127.0.0.1:5000/a"), access, "/x").getScheme())
        .isEqualTo("http");
    assertThat(transport.uri(ImageName.parse("reg.internal:5000/a"), access, "/x").getScheme())
        .isEqualTo("http");
    assertThat(transport.uri(ImageName.parse("registry.example/a"), access, "/x").getScheme())
        .isEqualTo("https");
  }

  static RegistryAccess anonymous() {
    return RegistryAccess.anonymous();
  }

  static RegistryAccess login(String password) {
    return new RegistryAccess(
        host -> Optional.of(new RegistryCredentials(USER, password, false)), Set.of(), "test");
  }

  static JsonNode skopeoInspect(String ref) throws Exception {
    return new ObjectMapper()
        .readTree(
            Command.of("skopeo", "inspect", "--tls-verify=false", "docker://" + ref)
                .timeout(Duration.ofSeconds(60))
                .output());
  }
}
