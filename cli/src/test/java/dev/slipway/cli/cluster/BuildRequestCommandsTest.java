package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.BuildResultStatus;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.api.resource.OutputType;
import dev.slipway.api.resource.PlatformBuildStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway ls} and {@code slipway cancel} against a mock API server. */
@EnableKubernetesMockClient(crud = true)
class BuildRequestCommandsTest {
  KubernetesClient client;
  @TempDir Path dir;
  MockCluster cluster;

  @BeforeEach
  void kubeconfig() throws Exception {
    cluster = new MockCluster(client, dir);
  }

  @Test
  void lsPrintsPhaseImageDigestAndAge() {
    String digest = "sha256:" + "ab".repeat(32);
    create("build-one", "127.0.0.1:5000/app:1", BuildPhase.SUCCEEDED, digest);
    create("build-two", "127.0.0.1:5000/app:2", BuildPhase.QUEUED, null);
    create("build-new", null, null, null);
    create("build-cold", "127.0.0.1:5000/app:3", BuildPhase.WAITING_FOR_POD, null);

    MockCluster.Run ls = cluster.run("ls");
    assertThat(ls.exitCode()).as(ls.toString()).isZero();
    List<String> lines = ls.out().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).matches("NAME\\s+PHASE\\s+IMAGE\\s+DIGEST\\s+AGE");
    assertThat(lines)
        .anyMatch(
            l ->
                l.matches(
                    "build-one\\s+Succeeded\\s+127\\.0\\.0\\.1:5000/app:1\\s+"
                        + digest
                        + "\\s+\\d+s"))
        .anyMatch(l -> l.matches("build-two\\s+Queued\\s+127\\.0\\.0\\.1:5000/app:2\\s+\\d+s"))
        .anyMatch(l -> l.matches("build-new\\s+\\d+s"))
        .anyMatch(
            l -> l.matches("build-cold\\s+WaitingForPod\\s+127\\.0\\.0\\.1:5000/app:3\\s+\\d+s"));

    MockCluster.Run empty = cluster.run("ls", "-n", "elsewhere");
    assertThat(empty.exitCode()).isZero();
    assertThat(empty.out()).isEmpty();
    assertThat(empty.err()).contains("No builds in namespace elsewhere.");
  }

  @Test
  void lsShowsTheChildrenOfASplitBuildAsItsPartsUnderIt() {
    String index = "sha256:" + "11".repeat(32);
    String amd64 = "sha256:" + "aa".repeat(32);
    create("app", "127.0.0.1:5000/app:1", BuildPhase.RUNNING, null);
    create("app-linux-amd64", "127.0.0.1:5000/app:1", BuildPhase.SUCCEEDED, amd64);
    create("app-linux-arm64", "127.0.0.1:5000/app:1", BuildPhase.RUNNING, null);
    create("other", "127.0.0.1:5000/other:1", BuildPhase.SUCCEEDED, index);
    BuildRequest parent = get("app");
    parent
        .getStatus()
        .setPlatforms(
            List.of(
                part("linux/amd64", "app-linux-amd64", BuildPhase.SUCCEEDED, amd64),
                part("linux/arm64", "app-linux-arm64", BuildPhase.RUNNING, null)));
    client.resource(parent).updateStatus();

    MockCluster.Run ls = cluster.run("ls");
    assertThat(ls.exitCode()).as(ls.toString()).isZero();
    List<String> lines = ls.out().lines().toList();
    assertThat(lines).as(ls.out()).hasSize(5);
    assertThat(lines.get(1)).matches("app\\s+Running\\s+127\\.0\\.0\\.1:5000/app:1\\s+\\d+s");
    assertThat(lines.get(2)).matches("  linux/amd64\\s+Succeeded\\s+app-linux-amd64\\s+" + amd64);
    assertThat(lines.get(3)).matches("  linux/arm64\\s+Running\\s+app-linux-arm64");
    assertThat(lines.get(4)).startsWith("other ");

    MockCluster.Run logs = cluster.run("logs", "app-linux-amd64");
    assertThat(logs.exitCode()).as("a child is still a BuildRequest of its own").isZero();
  }

  @Test
  void logsOfAFinishedMultiPlatformBuildNameEachPart() {
    String index = "sha256:" + "11".repeat(32);
    String amd64 = "sha256:" + "aa".repeat(32);
    String arm64 = "sha256:" + "bb".repeat(32);
    create("multi", "127.0.0.1:5000/app:1", BuildPhase.SUCCEEDED, index);
    BuildRequest done = get("multi");
    PlatformBuildStatus arm = part("linux/arm64", null, BuildPhase.SUCCEEDED, arm64);
    arm.setBuilder("big");
    arm.setNativeBuild(false);
    done.getStatus()
        .setPlatforms(List.of(part("linux/amd64", null, BuildPhase.SUCCEEDED, amd64), arm));
    client.resource(done).updateStatus();

    // logs prints to the invocation's standard output, which is this process's here
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    MockCluster.Run logs;
    try {
      logs = cluster.run("logs", "multi");
    } finally {
      System.setOut(original);
    }
    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("digest: " + index)
        .contains("[linux/amd64] Succeeded: " + amd64)
        .contains("[linux/arm64] Succeeded on Builder big (emulated): " + arm64);
  }

  private static PlatformBuildStatus part(
      String platform, String child, BuildPhase phase, String digest) {
    PlatformBuildStatus p = new PlatformBuildStatus();
    p.setPlatform(platform);
    p.setBuildRequest(child);
    p.setPhase(phase);
    p.setDigest(digest);
    return p;
  }

  @Test
  void cancelSetsSpecCancel() {
    create("build-run", "127.0.0.1:5000/app:1", BuildPhase.RUNNING, null);
    MockCluster.Run cancel = cluster.run("cancel", "build-run");
    assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
    assertThat(cancel.out()).contains("build-run cancellation requested");
    BuildRequest after = get("build-run");
    assertThat(after.getSpec().getCancel()).isTrue();
    assertThat(after.getSpec().getOutputs().get(0).getNames())
        .containsExactly("127.0.0.1:5000/app:1");
    assertThat(after.getStatus().getPhase()).isEqualTo(BuildPhase.RUNNING);
  }

  @Test
  void cancelLeavesFinishedBuildsAlone() {
    create("build-done", "127.0.0.1:5000/app:1", BuildPhase.SUCCEEDED, "sha256:" + "0".repeat(64));
    MockCluster.Run cancel = cluster.run("cancel", "build-done");
    assertThat(cancel.exitCode()).isZero();
    assertThat(cancel.out()).contains("build-done already ended (Succeeded)");
    assertThat(get("build-done").getSpec().getCancel()).isFalse();

    MockCluster.Run missing = cluster.run("cancel", "build-gone");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err())
        .contains("build build-gone not found in namespace team-a; slipway ls -n team-a");
  }

  @Test
  void logsOfAFinishedBuildTellHowItEnded() {
    create("build-bad", "127.0.0.1:5000/app:1", BuildPhase.FAILED, null);
    MockCluster.Run logs = cluster.run("logs", "build-bad");
    assertThat(logs.exitCode()).isEqualTo(1);

    String digest = "sha256:" + "cd".repeat(32);
    create("build-ok", "127.0.0.1:5000/app:1", BuildPhase.SUCCEEDED, digest);
    assertThat(cluster.run("logs", "build-ok").exitCode()).isZero();
  }

  private BuildRequest get(String name) {
    return client
        .resources(BuildRequest.class)
        .inNamespace(MockCluster.NAMESPACE)
        .withName(name)
        .get();
  }

  private void create(String name, String image, BuildPhase phase, String digest) {
    BuildRequestSpec spec = new BuildRequestSpec();
    BuilderReference ref = new BuilderReference();
    ref.setName("default");
    spec.setBuilderRef(ref);
    BuildContextSource context = new BuildContextSource();
    ClientContext clientContext = new ClientContext();
    clientContext.setSessionId("s-" + name);
    context.setClient(clientContext);
    spec.setContext(context);
    BuildOutput output = new BuildOutput();
    if (image != null) {
      output.setType(OutputType.IMAGE);
      output.setNames(List.of(image));
    } else {
      output.setType(OutputType.OCI);
      output.setDest("/tmp/out.tar");
    }
    spec.setOutputs(List.of(output));
    BuildRequest request = new BuildRequest();
    request.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(MockCluster.NAMESPACE).build());
    request.setSpec(spec);
    BuildRequest created = client.resource(request).create();
    if (phase != null) {
      BuildRequestStatus status = new BuildRequestStatus();
      status.setPhase(phase);
      status.setMessage(phase == BuildPhase.FAILED ? "RUN make exited with 2" : null);
      if (digest != null) {
        BuildResultStatus result = new BuildResultStatus();
        result.setDigest(digest);
        status.setResult(result);
      }
      created.setStatus(status);
      client.resource(created).updateStatus();
    }
  }
}
