package dev.slipway.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.api.control.v1.CacheOption;
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
import dev.slipway.engine.image.Manifest;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two engines with separate state directories sharing build cache through a registry or a dir. */
class RemoteCacheTest {
  @TempDir Path tmp;
  TestRegistry registry;

  @BeforeEach
  void registryWithBusybox() throws Exception {
    assumeTrue(TestRegistry.available(), "needs Debian's docker-registry");
    assumeTrue(Files.exists(Busybox.ARCHIVE), "needs the conformance busybox archive");
    registry = TestRegistry.anonymous(tmp.resolve("reg"));
    ImageStore seed =
        ImageStore.open(tmp.resolve("seed/images"), ContentStore.open(tmp.resolve("seed/c")));
    Image busybox = new ImageArchiveImporter(seed).importFrom(Busybox.ARCHIVE, ImportRequest.any());
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

  /** Ten steps in two stages: three in a builder stage, seven in the final one. */
  String tenSteps() {
    return """
        FROM %1$s/busybox AS builder
        RUN echo one > /one
        RUN echo two > /two
        RUN cat /one /two > /both
        FROM %1$s/busybox
        RUN echo 1 > /f1
        RUN echo 2 > /f2
        RUN echo 3 > /f3
        COPY --from=builder /both /both
        RUN echo 4 > /f4
        RUN echo 5 > /f5
        RUN cat /both /f1 /f5 > /all
        """
        .formatted(registry.host());
  }

  @Test
  void secondEngineImportingTheRegistryCacheRunsNoStep() throws Exception {
    String cacheRef = registry.host() + "/cache/app:buildcache";
    String image = registry.host() + "/app:v1";
    EngineBuilds.Build first;
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state-1")))) {
      first =
          EngineBuilds.run(
              engine,
              tmp.resolve("ctx"),
              EngineBuilds.request(tenSteps())
                  .addOutputs(image(image))
                  .addCacheTo(registryCache(cacheRef, "max")));
    }
    assertThat(first.runsExecuted()).isEqualTo(9);

    EngineBuilds.Build second;
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state-2")))) {
      second =
          EngineBuilds.run(
              engine,
              tmp.resolve("ctx"),
              EngineBuilds.request(tenSteps())
                  .addOutputs(image(image))
                  .addCacheFrom(registryCache(cacheRef, "max")));
    }
    assertThat(second.runsExecuted()).as("RUN steps executed by the second engine").isZero();
    assertThat(second.runsCached()).isEqualTo(9);
    assertThat(second.result().getStepsCached()).isGreaterThanOrEqualTo(10);
    assertThat(layers(tmp.resolve("state-2"), second))
        .as("the imported layer blobs are the image's layers, not recompressed")
        .isEqualTo(layers(tmp.resolve("state-1"), first));
  }

  @Test
  void minModeThroughALocalDirectoryCoversTheResultsSteps() throws Exception {
    Path dir = tmp.resolve("cache-dir");
    String dockerfile =
        "FROM " + registry.host() + "/busybox\nRUN echo a > /a\nRUN echo b > /b\nWORKDIR /w\n";
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state-1")))) {
      EngineBuilds.Build first =
          EngineBuilds.run(
              engine,
              tmp.resolve("ctx"),
              EngineBuilds.request(dockerfile)
                  .addCacheTo(
                      CacheOption.newBuilder()
                          .setType("local")
                          .putAttrs("dest", dir.toString())
                          .putAttrs("mode", "min")));
      assertThat(first.runsExecuted()).isEqualTo(2);
    }
    assertThat(dir.resolve("index.json")).exists();
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state-2")))) {
      EngineBuilds.Build second =
          EngineBuilds.run(
              engine,
              tmp.resolve("ctx"),
              EngineBuilds.request(dockerfile)
                  .addCacheFrom(
                      CacheOption.newBuilder().setType("local").putAttrs("src", dir.toString())));
      assertThat(second.runsExecuted()).isZero();
      assertThat(second.runsCached()).isEqualTo(2);
    }
  }

  @Test
  void anImagePushedWithAnInlineCacheSeedsAnotherEngine() throws Exception {
    String image = registry.host() + "/inline/app:v1";
    String dockerfile =
        "FROM "
            + registry.host()
            + "/busybox\nRUN echo a > /a\nCOPY --from="
            + registry.host()
            + "/busybox /bin/true /t\nRUN echo b > /b\n";
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state-1")))) {
      EngineBuilds.run(
          engine,
          tmp.resolve("ctx"),
          EngineBuilds.request(dockerfile)
              .addOutputs(image(image).toBuilder().setPush(true))
              .addCacheTo(CacheOption.newBuilder().setType("inline")));
    }
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state-2")))) {
      EngineBuilds.Build second =
          EngineBuilds.run(
              engine,
              tmp.resolve("ctx"),
              EngineBuilds.request(dockerfile).addCacheFrom(registryCache(image, "min")));
      assertThat(second.runsExecuted()).isZero();
      assertThat(second.runsCached()).isEqualTo(2);
    }
  }

  @Test
  void aCacheRefThatDoesNotExistYetIsAWarningNotAFailure() throws Exception {
    try (Engine engine = Engine.open(EngineConfig.defaults(tmp.resolve("state")))) {
      EngineBuilds.Build build =
          EngineBuilds.run(
              engine,
              tmp.resolve("ctx"),
              EngineBuilds.request("FROM " + registry.host() + "/busybox\nRUN true\n")
                  .addCacheFrom(registryCache(registry.host() + "/cache/none:x", "min")));
      assertThat(build.runsExecuted()).isEqualTo(1);
      assertThat(build.events())
          .anySatisfy(e -> assertThat(e.getWarning().getMessage()).contains("no cache to import"));
    }
  }

  static Output image(String name) {
    return Output.newBuilder().setType(OutputType.OUTPUT_TYPE_IMAGE).addNames(name).build();
  }

  static CacheOption registryCache(String ref, String mode) {
    return CacheOption.newBuilder()
        .setType("registry")
        .putAttrs("ref", ref)
        .putAttrs("mode", mode)
        .build();
  }

  static List<String> layers(Path state, EngineBuilds.Build build) throws Exception {
    ContentStore content = ContentStore.open(state.resolve("content"));
    Manifest m =
        Manifest.parse(content.read(Digest.parse(build.result().getImageDigest())), "built image");
    return m.layers().stream().map(d -> d.digest().toString()).toList();
  }
}
