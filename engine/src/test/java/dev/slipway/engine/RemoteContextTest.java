package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.session.LocalSession;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  @TempDir static Path repos;
  @TempDir Path state;
  @TempDir Path out;
  private static Process daemon;
  private static int port;

  @BeforeAll
  static void serveARepository() throws Exception {
    Path work = repos.resolve("work");
    Files.createDirectories(work.resolve("app"));
    Files.writeString(
        work.resolve("app/Dockerfile"),
        "FROM 127.0.0.1:5000/busybox:latest\nCOPY greeting.txt /greeting.txt\nRUN cat /greeting.txt\n");
    Files.writeString(work.resolve("app/greeting.txt"), "from git\n");
    git(work, "init", "-q", "-b", "main");
    git(work, "add", ".");
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
    git(repos, "clone", "-q", "--bare", work.toString(), repos.resolve("app.git").toString());
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    daemon =
        new ProcessBuilder(
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--listen=127.0.0.1",
                "--port=" + port,
                "--base-path=" + repos,
                repos.toString())
            .redirectErrorStream(true)
            .start();
    for (int i = 0; i < 100; i++) {
      try (var probe = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("git daemon did not start");
  }

  @AfterAll
  static void stopTheDaemon() throws Exception {
    daemon.destroy();
    daemon.waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void buildsFromAGitRepositoryAtARefAndSubdirectory() throws Exception {
    SolveRequest request =
        TestBuild.request()
            .setContext(
                BuildContext.newBuilder()
                    .setGit(
                        GitContext.newBuilder()
                            .setUrl("git://127.0.0.1:" + port + "/app.git")
                            .setRef("main")
                            .setSubdir("app")))
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
  void addOfAGitUrlChecksOutTheRepository(@TempDir Path context) throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM 127.0.0.1:5000/busybox:latest\nADD git://127.0.0.1:"
            + port
            + "/app.git#main:app /src\n");
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
                    .setGit(
                        GitContext.newBuilder()
                            .setUrl("git://127.0.0.1:" + port + "/app.git")
                            .setRef("no-such-branch")))
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

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", args) + ": " + output).isZero();
  }
}
