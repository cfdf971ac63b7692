package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.testing.GitDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contexts that are not the client's: a git repository served by a real {@code git daemon} on
 * 127.0.0.1 (as a GitOps BuildRequest names it), {@code ADD} of a git URL, and inline files (a
 * ConfigMap).
 */
class RemoteContextTest {
  @TempDir static Path git;
  @TempDir Path state;
  @TempDir Path out;
  private static GitDaemon daemon;
  private static String appUrl;

  @BeforeAll
  static void serveARepository() throws Exception {
    daemon = GitDaemon.start(git);
    appUrl =
        daemon.publish(
            "app",
            Map.of(
                "app/Dockerfile",
                "FROM 127.0.0.1:5000/busybox:latest\nCOPY greeting.txt /greeting.txt\nRUN cat /greeting.txt\n",
                "app/greeting.txt",
                "from git\n"));
  }

  @AfterAll
  static void stopTheDaemon() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void buildsFromAGitRepositoryAtARefAndSubdirectory() throws Exception {
    SolveRequest request =
        TestBuild.request()
            .setContext(
                BuildContext.newBuilder()
                    .setGit(GitContext.newBuilder().setUrl(appUrl).setRef("main").setSubdir("app")))
            .addOutputs(TestBuild.local(out.resolve("rootfs")))
            .build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession noClient = LocalSession.builder().build()) {
      TestBuild.Recorded build = TestBuild.run(engine, noClient, request);
      assertThat(logs(build)).contains("from git");
    }
    assertThat(out.resolve("rootfs/greeting.txt")).hasContent("from git");
    assertThat(Files.list(state.resolve("tmp")).toList())
        .as("fetched contexts are removed")
        .isEmpty();
  }

  @Test
  void provenanceNamesTheGitCommitItBuilt() throws Exception {
    SolveRequest request =
        TestBuild.request()
            .setContext(
                BuildContext.newBuilder()
                    .setGit(GitContext.newBuilder().setUrl(appUrl).setRef("main").setSubdir("app")))
            .setAttestations(
                dev.slipway.api.control.v1.Attestations.newBuilder().setProvenanceMode("min"))
            .addOutputs(TestBuild.oci(out.resolve("image.tar")))
            .build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession noClient = LocalSession.builder().build()) {
      TestBuild.run(engine, noClient, request);
    }
    String commit =
        dev.slipway.testing.Command.of("git", "ls-remote", appUrl, "refs/heads/main")
            .output()
            .split("\\s+")[0];
    Path layout = Files.createDirectories(out.resolve("layout"));
    dev.slipway.testing.Command.of(
            "tar", "-xf", out.resolve("image.tar").toString(), "-C", layout.toString())
        .output();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.function.Function<String, Path> blob =
        d -> layout.resolve("blobs/sha256").resolve(d.substring("sha256:".length()));
    var top = json.readTree(layout.resolve("index.json").toFile());
    var index = json.readTree(blob.apply(top.at("/manifests/0/digest").asText()).toFile());
    var attestation = json.readTree(blob.apply(index.at("/manifests/1/digest").asText()).toFile());
    var provenance =
        json.readTree(blob.apply(attestation.at("/layers/0/digest").asText()).toFile());

    assertThat(commit).matches("[0-9a-f]{40}");
    var definition = provenance.at("/predicate/buildDefinition");
    assertThat(definition.at("/resolvedDependencies/1/uri").asText()).isEqualTo(appUrl);
    assertThat(definition.at("/resolvedDependencies/1/digest/sha1").asText()).isEqualTo(commit);
    assertThat(definition.at("/externalParameters/configSource/uri").asText()).isEqualTo(appUrl);
    assertThat(definition.at("/externalParameters/configSource/digest/sha1").asText())
        .isEqualTo(commit);
  }

  @Test
  void addOfAGitUrlChecksOutTheRepository(@TempDir Path context) throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM 127.0.0.1:5000/busybox:latest\nADD " + appUrl + "#main:app /src\n");
    SolveRequest request =
        TestBuild.request().addOutputs(TestBuild.local(out.resolve("rootfs"))).build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      TestBuild.run(engine, context, request);
    }
    assertThat(out.resolve("rootfs/src/greeting.txt")).hasContent("from git");
    assertThat(out.resolve("rootfs/src/.git")).doesNotExist();
  }

  @Test
  void aMissingRefFailsWithTheRefNamed() throws Exception {
    SolveRequest request =
        TestBuild.request()
            .setContext(
                BuildContext.newBuilder()
                    .setGit(GitContext.newBuilder().setUrl(appUrl).setRef("no-such-branch")))
            .build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession noClient = LocalSession.builder().build()) {
      assertThatThrownBy(() -> TestBuild.run(engine, noClient, request))
          .isInstanceOf(BuildFailedException.class)
          .hasMessageContaining("no-such-branch")
          .hasMessageContaining("check the URL, the ref and the credentials");
    }
  }

  @Test
  void buildsFromInlineFiles() throws Exception {
    SolveRequest request =
        TestBuild.request()
            .setContext(
                BuildContext.newBuilder()
                    .setInline(
                        InlineContext.newBuilder()
                            .putFiles(
                                "Dockerfile",
                                ByteString.copyFromUtf8(
                                    "FROM 127.0.0.1:5000/busybox:latest\nCOPY conf/app.conf /etc/app.conf\n"))
                            .putFiles("conf/app.conf", ByteString.copyFromUtf8("port=80\n"))))
            .addOutputs(TestBuild.local(out.resolve("rootfs")))
            .build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession noClient = LocalSession.builder().build()) {
      TestBuild.run(engine, noClient, request);
    }
    assertThat(out.resolve("rootfs/etc/app.conf")).hasContent("port=80");
  }

  private static String logs(TestBuild.Recorded build) {
    StringBuilder text = new StringBuilder();
    build.events().all().stream()
        .filter(e -> e.hasLog())
        .forEach(e -> text.append(e.getLog().getData().toStringUtf8()));
    return text.toString();
  }
}
