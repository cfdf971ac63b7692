package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuildResultStatus;
import dev.slipway.api.resource.CacheMode;
import dev.slipway.api.resource.CacheType;
import dev.slipway.api.resource.Compression;
import dev.slipway.api.resource.NetworkMode;
import dev.slipway.api.resource.PlatformBuildStatus;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.testing.Busybox;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway build} in cluster mode up to the builder pod: the BuildRequest it creates, what it
 * shows while the operator (simulated here by status writes) queues the build, how it ends when the
 * build ends before a pod runs it, and Ctrl-C. The port-forward and the session over it need a real
 * cluster; the e2e tests exercise them.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterBuildTest {
  KubernetesClient client;
  OperatorStandIn operator;
  @TempDir Path dir;
  MockCluster cluster;
  ExecutorService background = Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() throws Exception {
    cluster = new MockCluster(client, dir);
    operator = new OperatorStandIn(client, Duration.ofSeconds(20));
    assertThat(cluster.run("builder", "create", "big").exitCode()).isZero();
  }

  @AfterEach
  void stop() {
    background.shutdownNow();
  }

  @Test
  void buildCreatesABuildRequestFromItsFlagsAndFollowsItUntilItEnds() throws Exception {
    Path context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM " + Busybox.IN_REGISTRY + "\n");
    Path npmrc = Files.writeString(dir.resolve("npmrc"), "token=not-for-the-cluster");
    Path key = Files.writeString(dir.resolve("id_ed25519"), "not a key");
    Path out = dir.resolve("app.oci.tar");
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    Future<MockCluster.Run> build;
    try {
      build =
          background.submit(
              () ->
                  cluster.run(
                      "build",
                      "--builder",
                      "big",
                      "--progress",
                      "plain",
                      "-t",
                      "127.0.0.1:5000/app:dev",
                      "-o",
                      "type=oci,dest=" + out + ",compression=zstd",
                      "--push",
                      "--build-arg",
                      "VERSION=1.2",
                      "--target",
                      "runtime",
                      "--label",
                      "team=a",
                      "--platform",
                      "linux/amd64",
                      "--secret",
                      "id=npmrc,src=" + npmrc,
                      "--ssh",
                      "deploy=" + key,
                      "--cache-from",
                      "type=registry,ref=127.0.0.1:5000/app:cache",
                      "--cache-to",
                      "type=registry,ref=127.0.0.1:5000/app:cache,mode=max",
                      "--no-cache-filter",
                      "test",
                      "--pull",
                      "--network",
                      "none",
                      "--add-host",
                      "db.internal:10.0.0.7",
                      context.toString()));

      BuildRequest created = operator.awaitCreated();
      assertThat(created.getMetadata().getName()).startsWith("build-");
      BuildRequestSpec spec = created.getSpec();
      assertThat(spec.getBuilderRef().getName()).isEqualTo("big");
      var client = spec.getContext().getClient();
      assertThat(UUID.fromString(client.getSessionId())).isNotNull();
      assertThat(client.getAffinityKey())
          .isEqualTo(AffinityKey.of(InetAddress.getLocalHost().getHostName(), context))
          .matches("sha256-[0-9a-f]{64}");
      assertThat(spec.getDockerfile().getPath()).isEqualTo("Dockerfile");
      assertThat(spec.getTarget()).isEqualTo("runtime");
      assertThat(spec.getBuildArgs()).containsExactly(Map.entry("VERSION", "1.2"));
      assertThat(spec.getLabels()).containsExactly(Map.entry("team", "a"));
      assertThat(spec.getPlatforms()).containsExactly("linux/amd64");
      assertThat(spec.getSecrets())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getId()).isEqualTo("npmrc");
                assertThat(s.getSecretKeyRef()).isNull();
              });
      assertThat(spec.getSsh())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getId()).isEqualTo("deploy");
                assertThat(s.getSecretRef()).isNull();
              });
      // -o first, then --push, in the order the CLI numbers them for the builder
      assertThat(spec.getOutputs()).hasSize(2);
      assertThat(spec.getOutputs().get(0).getType())
          .isEqualTo(dev.slipway.api.resource.OutputType.OCI);
      assertThat(spec.getOutputs().get(0).getDest()).isEqualTo(out.toString());
      assertThat(spec.getOutputs().get(0).getVolumeClaimName()).isNull();
      assertThat(spec.getOutputs().get(0).getCompression()).isEqualTo(Compression.ZSTD);
      assertThat(spec.getOutputs().get(1).getType())
          .isEqualTo(dev.slipway.api.resource.OutputType.IMAGE);
      assertThat(spec.getOutputs().get(1).getNames()).containsExactly("127.0.0.1:5000/app:dev");
      assertThat(spec.getOutputs().get(1).getPush()).isTrue();
      assertThat(spec.getCacheFrom())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getType()).isEqualTo(CacheType.REGISTRY);
                assertThat(c.getRef()).isEqualTo("127.0.0.1:5000/app:cache");
              });
      assertThat(spec.getCacheTo().get(0).getMode()).isEqualTo(CacheMode.MAX);
      assertThat(spec.getNoCacheFilter()).containsExactly("test");
      assertThat(spec.getPull()).isTrue();
      assertThat(spec.getNoCache()).isFalse();
      assertThat(spec.getNetwork()).isEqualTo(NetworkMode.NONE);
      assertThat(spec.getExtraHosts())
          .singleElement()
          .satisfies(
              h -> {
                assertThat(h.getHost()).isEqualTo("db.internal");
                assertThat(h.getIp()).isEqualTo("10.0.0.7");
              });
      assertThat(spec.getCancel()).isFalse();
      assertThat(created.toString()).doesNotContain("not-for-the-cluster");

      String name = created.getMetadata().getName();
      operator.writeStatus(name, s -> s.setPhase(BuildPhase.PENDING));
      operator.awaitTrue(() -> stderr.toString(StandardCharsets.UTF_8).contains("Pending"));
      operator.writeStatus(
          name,
          s -> {
            s.setPhase(BuildPhase.WAITING_FOR_POD);
            s.setMessage(
                "waiting for a pod of Builder big: it has none ready and is being scaled up");
          });
      operator.awaitTrue(() -> stderr.toString(StandardCharsets.UTF_8).contains("WaitingForPod"));
      operator.writeStatus(
          name,
          s -> {
            s.setPhase(BuildPhase.QUEUED);
            s.setQueuePosition(2);
            s.setMessage("waiting for a free slot on Builder big: position 2");
          });
      operator.awaitTrue(
          () -> stderr.toString(StandardCharsets.UTF_8).contains("Queued (position 2)"));
      operator.writeStatus(
          name,
          s -> {
            s.setPhase(BuildPhase.FAILED);
            s.setQueuePosition(null);
            s.setMessage("Builder big was deleted");
          });
      MockCluster.Run run = build.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(run.exitCode()).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(1);
    } finally {
      System.setErr(original);
    }
    String shown = stderr.toString(StandardCharsets.UTF_8);
    assertThat(shown)
        .contains("created for Builder big")
        .contains("Pending")
        .contains(
            "WaitingForPod: waiting for a pod of Builder big: it has none ready and is being"
                + " scaled up")
        .contains("Queued (position 2): waiting for a free slot on Builder big: position 2")
        .contains("Failed: Builder big was deleted");
  }

  @Test
  void aMultiPlatformBuildWithAttestationsIsOneRequestWhoseSplitPartsAreFollowed()
      throws Exception {
    Path context = Files.createDirectories(dir.resolve("multi"));
    Files.writeString(context.resolve("Dockerfile"), "FROM " + Busybox.IN_REGISTRY + "\n");
    Path metadata = dir.resolve("meta.json");
    Future<MockCluster.Run> build =
        background.submit(
            () ->
                cluster.runBuild(
                    "--builder",
                    "big",
                    "--progress",
                    "plain",
                    "--platform",
                    "linux/amd64,linux/aarch64",
                    "--platform",
                    "linux/arm64",
                    "--sbom=true",
                    "--provenance=mode=max",
                    "--push",
                    "-t",
                    "127.0.0.1:5000/app:multi",
                    "--metadata-file",
                    metadata.toString(),
                    context.toString()));

    BuildRequest created = operator.awaitCreated();
    BuildRequestSpec spec = created.getSpec();
    assertThat(spec.getPlatforms())
        .as("normalized and deduplicated, one request for all")
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(spec.getAttestations().getSbom()).isTrue();
    assertThat(spec.getAttestations().getProvenance())
        .isEqualTo(dev.slipway.api.resource.ProvenanceMode.MAX);
    assertThat(operator.requests()).hasSize(1);

    // as if the operator had split it (it does not split a CLI session's request), the CLI shows
    // the parts it mirrors in status.platforms
    String name = created.getMetadata().getName();
    String index = "sha256:" + "1".repeat(64);
    String amd64 = "sha256:" + "a".repeat(64);
    String arm64 = "sha256:" + "b".repeat(64);
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.RUNNING);
          s.setPlatforms(
              List.of(
                  part("linux/amd64", name + "-linux-amd64", "big", true, BuildPhase.RUNNING, null),
                  part(
                      "linux/arm64", name + "-linux-arm64", "arm", true, BuildPhase.QUEUED, null)));
        });
    Thread.sleep(500);
    operator.writeStatus(
        name,
        s ->
            s.setPlatforms(
                List.of(
                    part(
                        "linux/amd64",
                        name + "-linux-amd64",
                        "big",
                        true,
                        BuildPhase.SUCCEEDED,
                        amd64),
                    part(
                        "linux/arm64",
                        name + "-linux-arm64",
                        "arm",
                        true,
                        BuildPhase.RUNNING,
                        null))));
    Thread.sleep(300);
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.SUCCEEDED);
          BuildResultStatus result = new BuildResultStatus();
          result.setDigest(index);
          result.setRefs(List.of("127.0.0.1:5000/app:multi@" + index));
          s.setResult(result);
          PlatformBuildStatus arm =
              part("linux/arm64", name + "-linux-arm64", "arm", true, BuildPhase.SUCCEEDED, arm64);
          arm.setAttestationDigest("sha256:" + "c".repeat(64));
          s.setPlatforms(
              List.of(
                  part(
                      "linux/amd64",
                      name + "-linux-amd64",
                      "big",
                      true,
                      BuildPhase.SUCCEEDED,
                      amd64),
                  arm));
        });

    MockCluster.Run run = build.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains(
            "[linux/amd64] Succeeded on Builder big (native), BuildRequest "
                + name
                + "-linux-amd64: "
                + amd64)
        .contains(
            "[linux/arm64] Succeeded on Builder arm (native), BuildRequest "
                + name
                + "-linux-arm64: "
                + arm64)
        .contains("image index " + index + " (2 platforms)")
        .contains("  linux/amd64 " + amd64)
        .contains("  linux/arm64 " + arm64 + " (attestations sha256:" + "c".repeat(64) + ")");
    String meta = Files.readString(metadata);
    assertThat(meta)
        .contains("\"containerimage.digest\" : \"" + index + "\"")
        .doesNotContain("config.digest");
  }

  private static PlatformBuildStatus part(
      String platform,
      String child,
      String builder,
      boolean nativeBuild,
      BuildPhase phase,
      String digest) {
    PlatformBuildStatus p = new PlatformBuildStatus();
    p.setPlatform(platform);
    p.setBuildRequest(child);
    p.setBuilder(builder);
    p.setNativeBuild(nativeBuild);
    p.setPhase(phase);
    p.setDigest(digest);
    return p;
  }

  @Test
  void buildSendsItsDockerfileDigestAndBaseImagesAsPlacementHints() throws Exception {
    Path context = Files.createDirectories(dir.resolve("hinted"));
    String dockerfile =
        """
        ARG BASE=127.0.0.1:5000/busybox:latest
        ARG TAG
        FROM ${BASE} AS tools
        FROM tools AS build
        FROM scratch AS empty
        FROM alpine:${TAG} AS runtime
        COPY --from=build / /
        """;
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    Future<MockCluster.Run> build =
        background.submit(
            () ->
                cluster.runBuild(
                    "--builder",
                    "big",
                    "-t",
                    "127.0.0.1:5000/app:dev",
                    "--push",
                    "--build-arg",
                    "TAG=3.20",
                    context.toString()));
    BuildRequest created = operator.awaitCreated();
    var client = created.getSpec().getContext().getClient();
    assertThat(client.getDockerfileDigest())
        .as("sha256 of the Dockerfile's bytes, as the builder reports it")
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(context.resolve("Dockerfile")))));
    assertThat(client.getBaseImages())
        .as("FROM lines expanded with the build args, less stages and scratch, normalized")
        .containsExactly("127.0.0.1:5000/busybox:latest", "docker.io/library/alpine:3.20");
    operator.writeStatus(
        created.getMetadata().getName(),
        s -> {
          s.setPhase(BuildPhase.FAILED);
          s.setMessage("Builder big was deleted");
        });
    assertThat(build.get(30, java.util.concurrent.TimeUnit.SECONDS).exitCode()).isEqualTo(1);
  }

  @Test
  void aDockerfileFromStandardInputLeavesItsDigestToTheOperator() {
    SolveRequest request =
        SolveRequest.newBuilder()
            .setDockerfile(
                DockerfileSource.newBuilder().setInline("FROM 127.0.0.1:5000/busybox:latest\n"))
            .build();
    PlacementHints hints = PlacementHints.of(null, request);
    assertThat(hints.dockerfileDigest()).as("the spec carries it inline").isNull();
    assertThat(hints.baseImages()).containsExactly("127.0.0.1:5000/busybox:latest");
    assertThat(PlacementHints.of(dir.resolve("missing"), SolveRequest.getDefaultInstance()))
        .as("an unreadable Dockerfile gives no hint")
        .isEqualTo(PlacementHints.NONE);
  }

  @Test
  void buildRefusesWhatABuildRequestCannotCarry() throws Exception {
    Files.writeString(dir.resolve("Dockerfile"), "FROM " + Busybox.IN_REGISTRY + "\n");
    MockCluster.Run noOutput = cluster.runBuild("--builder", "big", dir.toString());
    assertThat(noOutput.exitCode()).isEqualTo(2);
    assertThat(noOutput.err()).contains("a cluster build needs an output");
    MockCluster.Run localCache =
        cluster.runBuild("-t", "x:1", "--cache-to", "type=local,dest=/tmp/c", dir.toString());
    assertThat(localCache.exitCode()).isEqualTo(2);
    assertThat(localCache.err())
        .contains("--cache-to type=local: a cluster build cannot reach this machine's directories");
    Files.writeString(dir.resolve("key.pem"), "not read");
    MockCluster.Run signKey =
        cluster.runBuild(
            "--sign-key", dir.resolve("key.pem").toString(), "-t", "x:1", "--push", dir.toString());
    assertThat(signKey.exitCode()).isEqualTo(2);
    assertThat(signKey.err()).contains("set spec.signing.keySecretRef");
    MockCluster.Run token =
        cluster.runBuild("--token-file", "/dev/null", "-t", "x:1", dir.toString());
    assertThat(token.exitCode()).isEqualTo(2);
    assertThat(token.err()).contains("--token-file is for --builder grpc://HOST:PORT");
    MockCluster.Run missingBuilder =
        cluster.runBuild("--builder", "nope", "-t", "127.0.0.1:5000/x:1", dir.toString());
    assertThat(missingBuilder.exitCode()).isEqualTo(1);
    assertThat(missingBuilder.err())
        .contains("Builder nope not found in namespace team-a; slipway builder ls -n team-a");
    assertThat(operator.requests()).isEmpty();
  }

  @Test
  void checkOnlyReadsTheDockerfileInThisProcess() throws Exception {
    Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY Dockerfile /\n");
    MockCluster.Run check =
        cluster.runBuild(
            "--check",
            "--builder",
            "big",
            "--state",
            dir.resolve("state").toString(),
            dir.toString());
    assertThat(check.exitCode()).as(check.err()).isZero();
    assertThat(check.err()).doesNotContain("BuildRequest");
    assertThat(operator.requests()).isEmpty();
  }

  @Test
  void cancellingSetsSpecCancelAndEndsWhenTheOperatorConfirms() throws Exception {
    SolveRequest request =
        SolveRequest.newBuilder()
            .setBuildId("local-id")
            .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
            .addOutputs(
                Output.newBuilder()
                    .setType(OutputType.OUTPUT_TYPE_IMAGE)
                    .addNames("127.0.0.1:5000/app:dev")
                    .setPush(true))
            .build();
    ByteArrayOutputStream notices = new ByteArrayOutputStream();
    BuildCancellation cancellation = new BuildCancellation();
    KubernetesClient own =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    ClusterBackend build =
        new ClusterBackend(
            new ClusterConnection(own, MockCluster.NAMESPACE),
            "big",
            dir,
            null,
            new PrintStream(notices, true, StandardCharsets.UTF_8));
    Future<?> solving =
        background.submit(
            () -> build.build(request, LocalSession.builder().build(), e -> {}, cancellation));
    String name = operator.awaitCreated().getMetadata().getName();
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.QUEUED);
          s.setQueuePosition(1);
        });

    cancellation.cancel("interrupted");
    operator.awaitTrue(() -> Boolean.TRUE.equals(operator.request(name).getSpec().getCancel()));
    assertThat(solving).isNotDone();
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.CANCELLED);
          s.setMessage("cancelled by spec.cancel");
        });

    assertThatThrownBy(() -> solving.get(30, java.util.concurrent.TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(BuildFailedException.class)
        .satisfies(
            e -> {
              BuildFailedException failed = (BuildFailedException) e;
              assertThat(failed.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_CANCELLED);
              assertThat(failed.error().getMessage())
                  .contains("Cancelled: cancelled by spec.cancel");
            });
    assertThat(notices.toString(StandardCharsets.UTF_8))
        .contains("Cancelling BuildRequest " + name + " (spec.cancel=true)");
    build.close();
  }
}
