package dev.slipway.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageArchiveImporter;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.ImportRequest;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole builds against a registry on 127.0.0.1: base images pulled from it, results pushed. */
class RegistryBuildTest {
  @TempDir Path tmp;
  TestRegistry registry;
  ImageStore seed;
  Image busybox;

  @BeforeEach
  void registryWithBusybox() throws Exception {
    assumeTrue(TestRegistry.available(), "needs Debian's docker-registry");
    assumeTrue(Files.exists(Busybox.ARCHIVE), "needs the conformance busybox archive");
    registry = TestRegistry.anonymous(tmp.resolve("reg"));
    seed = ImageStore.open(tmp.resolve("seed/images"), ContentStore.open(tmp.resolve("seed/c")));
    busybox = new ImageArchiveImporter(seed).importFrom(Busybox.ARCHIVE, ImportRequest.any());
    new RegistryClient()
        .push(
            ImageName.parse(registry.host() + "/busybox:latest"),
            busybox.descriptor(),
            seed.content(),
            List.of(),
            RegistryAccess.anonymous());
  }

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void pushesTheBuiltImageToEveryNameMountingTheBaseLayers() throws Exception {
    String one = registry.host() + "/app/one:v1";
    String two = registry.host() + "/app/two:v1";
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state")))) {
      EngineBuilds.Build build =
          EngineBuilds.run(
              engine,
              tmp.resolve("ctx"),
              EngineBuilds.request(
                      "FROM " + registry.host() + "/busybox\nRUN echo pushed > /pushed\n")
                  .addOutputs(
                      Output.newBuilder()
                          .setType(OutputType.OUTPUT_TYPE_IMAGE)
                          .addNames(one)
                          .addNames(two)
                          .setPush(true)));
      String digest = build.result().getImageDigest();
      assertThat(build.result().getRefsList())
          .containsExactly(one + "@" + digest, two + "@" + digest);
      for (String name : List.of(one, two)) {
        JsonNode inspect = RegistryClientTest.skopeoInspect(name);
        assertThat(inspect.path("Digest").asText()).isEqualTo(digest);
        assertThat(inspect.path("Layers").get(0).asText()).isEqualTo(Busybox.LAYER);
      }
      assertThat(registry.requests("POST /v2/app/one/blobs/uploads/\\?mount=" + Busybox.LAYER))
          .as("the base layer is mounted from busybox, not uploaded")
          .isEqualTo(1);
      assertThat(registry.requests("POST /v2/app/two/blobs/uploads/\\?mount=")).isEqualTo(3);
      assertThat(registry.requests("P(UT|ATCH) /v2/app/two/"))
          .as("only the manifest: every blob was mounted")
          .isEqualTo(1);

      ContentStore fresh = ContentStore.open(tmp.resolve("fresh"));
      new RegistryClient()
          .pull(ImageName.parse(two), RegistryClientTest.AMD64, fresh, RegistryAccess.anonymous());
      Digest manifest = Digest.parse(digest);
      ContentStore engineContent = ContentStore.open(tmp.resolve("state/content"));
      assertThat(fresh.read(manifest)).isEqualTo(engineContent.read(manifest));
    }
  }

  @Test
  void aLargeBaseImageIsPulledOnceAndThenOnlyItsManifestIsChecked() throws Exception {
    Image big = TestImages.extend(seed, busybox, 7, 300L << 20);
    String bigName = registry.host() + "/big:1";
    new RegistryClient()
        .push(
            ImageName.parse(bigName),
            big.descriptor(),
            seed.content(),
            List.of("busybox"),
            RegistryAccess.anonymous());
    long blobGetsBefore = registry.requests("GET /v2/big/blobs/");
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state")))) {
      EngineBuilds.run(
          engine,
          tmp.resolve("ctx"),
          EngineBuilds.request("FROM " + bigName + "\nRUN test -s /big-7.bin\n"));
      long blobGets = registry.requests("GET /v2/big/blobs/") - blobGetsBefore;
      assertThat(blobGets).as("config and two layers").isEqualTo(3);

      long all = registry.requests("[A-Z]+ /v2/big/");
      EngineBuilds.run(
          engine,
          tmp.resolve("ctx"),
          EngineBuilds.request("FROM " + bigName + "\nRUN ls -l /big-7.bin\n"));
      assertThat(registry.requests("[A-Z]+ /v2/big/")).as("present: no request").isEqualTo(all);

      long manifests = registry.requests("GET /v2/big/manifests/");
      EngineBuilds.run(
          engine,
          tmp.resolve("ctx"),
          EngineBuilds.request("FROM " + bigName + "\nRUN wc -c /big-7.bin\n").setPull(true));
      assertThat(registry.requests("GET /v2/big/manifests/")).isGreaterThan(manifests);
      assertThat(registry.requests("GET /v2/big/blobs/") - blobGetsBefore)
          .as("--pull re-resolves the tag but fetches no blob it has")
          .isEqualTo(3);
    }
  }
}
