package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.control.v1.HttpContext;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.engine.source.GitCheckout;
import dev.slipway.engine.source.HttpSourceFetcher;
import dev.slipway.engine.source.SourceFetchException;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile git and http sources, one attack per test, against real processes: a real {@code git
 * daemon} and {@code git http-backend}, real HTTP servers on 127.0.0.1 and 127.0.0.2, the real
 * engine. Each attack must be refused with an error that says what and how to fix, run nothing it
 * names, send no credential where it does not belong, and leave nothing behind.
 */
@Timeout(300)
class HostileSourceTest {
  private static final String SECRET = "s3cr3t-t0ken";

  @TempDir static Path shared;
  @TempDir Path state;
  @TempDir Path work;
  private static GitDaemon daemon;
  private static String appUrl;

  @BeforeAll
  static void serveARepository() throws Exception {
    daemon = GitDaemon.start(shared.resolve("daemon"));
    appUrl =
        daemon.publish(
            "app", Map.of("Dockerfile", "FROM scratch\nCOPY a.txt /a.txt\n", "a.txt", "a\n"));
  }

  @AfterAll
  static void stopTheDaemon() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  // ---- git: options, transports, credentials, time ----

  @Test
  void aRefThatIsAnOptionRunsNothing() throws Exception {
    Path marker = work.resolve("upload-pack-ran");
    Path evil = script(work.resolve("evil.sh"), "touch " + marker);
    BuildFailedException refused = failedBuild(gitContext(appUrl, "--upload-pack=" + evil));
    assertThat(refused)
        .hasMessageContaining("--upload-pack=")
        .hasMessageContaining("starts with '-', which git would read as an option")
        .hasMessageContaining("name a branch, tag or commit");
    assertThat(marker).as("git ran the ref as its upload-pack").doesNotExist();
    assertNothingLeftIn(state.resolve("tmp"));
  }

  @Test
  void aDockerfileAddWithARefThatIsAnOptionRunsNothing() throws Exception {
    Path marker = work.resolve("upload-pack-ran");
    Path evil = script(work.resolve("evil.sh"), "touch " + marker);
    Path context = Files.createDirectories(work.resolve("context"));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM scratch\nADD " + appUrl + "#--upload-pack=" + evil + " /src\n");
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      assertThatThrownBy(() -> TestBuild.run(engine, context, TestBuild.request().build()))
          .isInstanceOf(BuildFailedException.class)
          .hasMessageContaining("starts with '-', which git would read as an option");
    }
    assertThat(marker).doesNotExist();
  }

  @Test
  void anExtTransportUrlInTheSolveRequestRunsNothing() throws Exception {
    Path marker = work.resolve("ext-ran");
    BuildFailedException refused = failedBuild(gitContext("ext::sh -c touch% " + marker, "main"));
    assertThat(refused)
        .hasMessageContaining("transport helper")
        .hasMessageContaining("use an https://, http://, ssh://, git:// or user@host:path URL");
    assertThat(marker).doesNotExist();
  }

  @Test
  void aFileUrlInTheSolveRequestIsRefused() throws Exception {
    BuildFailedException refused = failedBuild(gitContext("file:///etc", ""));
    assertThat(refused).hasMessageContaining("the file:// transport is not allowed");
    assertNothingLeftIn(state.resolve("tmp"));
  }

  @Test
  void aLocalPathInTheSolveRequestIsRefused() throws Exception {
    Path local = daemonRepository("app");
    BuildFailedException refused = failedBuild(gitContext(local.toString(), ""));
    assertThat(refused).hasMessageContaining("it is a local path, not a remote");
  }

  @Test
  void aSubmoduleOnTheBuildersFileSystemIsNotCheckedOut() throws Exception {
    Path secretRepo = work.resolve("secret-repo");
    commit(secretRepo, Map.of("secret.txt", "builder's secret\n"));
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      Path root = Files.createDirectories(work.resolve("served"));
      bareWithSubmodule(root.resolve("parent.git"), "file://" + secretRepo, secretRepo);
      http.gitBackend(root);
      Path into = work.resolve("checkout");
      assertThatThrownBy(
              () ->
                  GitCheckout.checkout(
                      new GitCheckout.Request(
                          http.base() + "/parent.git",
                          "",
                          false,
                          Optional.empty(),
                          Optional.empty()),
                      into))
          .isInstanceOf(SourceFetchException.class)
          .hasMessageContaining("git submodule")
          .hasMessageContaining("check the URL, the ref and the credentials");
      try (Stream<Path> files = Files.walk(into)) {
        assertThat(files.filter(p -> p.getFileName().toString().equals("secret.txt")))
            .as("the builder's local repository came into the checkout")
            .isEmpty();
      }
    }
  }

  @Test
  void theTokenGoesToTheRemoteAndNotToASubmoduleOnAnotherHost() throws Exception {
    try (LoopbackHttpServer origin = LoopbackHttpServer.start("127.0.0.1");
        LoopbackHttpServer other = LoopbackHttpServer.start("127.0.0.2")) {
      Path originRoot = Files.createDirectories(work.resolve("origin"));
      Path otherRoot = Files.createDirectories(work.resolve("other"));
      Path sub = work.resolve("sub");
      commit(sub, Map.of("sub.txt", "from the submodule\n"));
      bare(sub, otherRoot.resolve("sub.git"));
      bareWithSubmodule(originRoot.resolve("parent.git"), other.base() + "/sub.git", sub);
      origin.gitBackend(originRoot);
      other.gitBackend(otherRoot);

      Path into = work.resolve("checkout");
      GitCheckout.checkout(
          new GitCheckout.Request(
              origin.base() + "/parent.git",
              "main",
              false,
              Optional.of(SECRET.getBytes(StandardCharsets.UTF_8)),
              Optional.empty()),
          into);

      assertThat(into.resolve("sub/sub.txt")).hasContent("from the submodule");
      assertThat(origin.sawAuthorization()).as("the remote got the token").isTrue();
      assertThat(other.seen()).as("the submodule was fetched from the other host").isNotEmpty();
      assertThat(other.sawAuthorization()).as("the other host got the token").isFalse();
    }
  }

  @Test
  void theTokenDoesNotFollowARedirectToAnotherHost() throws Exception {
    try (LoopbackHttpServer origin = LoopbackHttpServer.start("127.0.0.1");
        LoopbackHttpServer other = LoopbackHttpServer.start("127.0.0.2")) {
      Path otherRoot = Files.createDirectories(work.resolve("other"));
      Path repo = work.resolve("repo");
      commit(repo, Map.of("a.txt", "a\n"));
      bare(repo, otherRoot.resolve("repo.git"));
      other.gitBackend(otherRoot);
      origin.redirect(
          "/repo.git/info/refs", other.base() + "/repo.git/info/refs?service=git-upload-pack");

      assertThatThrownBy(
              () ->
                  GitCheckout.checkout(
                      new GitCheckout.Request(
                          origin.base() + "/repo.git",
                          "main",
                          false,
                          Optional.of(SECRET.getBytes(StandardCharsets.UTF_8)),
                          Optional.empty()),
                      work.resolve("checkout")))
          .isInstanceOf(SourceFetchException.class)
          .hasMessageContaining("git fetch of " + origin.base() + "/repo.git at main failed")
          .hasMessageNotContaining(SECRET);
      assertThat(origin.sawAuthorization()).isTrue();
      assertThat(other.sawAuthorization()).as("the redirect target got the token").isFalse();
    }
  }

  @Test
  @Timeout(60)
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread acceptor = Thread.ofVirtual().start(() -> holdConnections(silent));
      long started = System.nanoTime();
      assertThatThrownBy(
              () ->
                  GitCheckout.checkout(
                      new GitCheckout.Request(
                          "git://127.0.0.1:" + silent.getLocalPort() + "/hang.git",
                          "main",
                          false,
                          Optional.empty(),
                          Optional.empty(),
                          Duration.ofSeconds(3)),
                      work.resolve("checkout")))
          .isInstanceOf(SourceFetchException.class)
          .hasMessageContaining("timed out after 3s")
          .hasMessageContaining("check that the remote answers");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
      assertThat(gitProcesses()).as("git processes left running").isEmpty();
      silent.close();
      acceptor.join(5000);
    }
  }

  // ---- http: size, redirects, credentials, transports ----

  @Test
  void aDownloadOverTheLimitIsRefusedAndLeavesNothing() throws Exception {
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      http.stream("/announced", 3 << 20, true);
      http.stream("/chunked", 3 << 20, false);
      EngineConfig config =
          EngineConfig.defaults(state)
              .withLimits(EngineLimits.defaults().withMaxDownloadBytes(1 << 20));
      for (String path : List.of("/announced", "/chunked")) {
        Path context = Files.createDirectories(work.resolve("context" + path));
        Files.writeString(
            context.resolve("Dockerfile"), "FROM scratch\nADD " + http.base() + path + " /big\n");
        try (Engine engine = Engine.open(config)) {
          assertThatThrownBy(() -> TestBuild.run(engine, context, TestBuild.request().build()))
              .as(path)
              .isInstanceOf(BuildFailedException.class)
              .hasMessageContaining("over the builder's download limit of 1048576 bytes")
              .hasMessageContaining("--max-download-bytes")
              .hasMessageContaining("spec.limits.maxDownloadSize");
          assertThat(engine.diskUsage().getRecordsList()).as("cache after " + path).isEmpty();
        }
        assertNothingLeftIn(state.resolve("tmp"));
      }
    }
  }

  @Test
  void aDownloadLargerThanTheHeapStreamsToDisk() throws Exception {
    long size = 256L << 20;
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      http.stream("/large", size, false);
      Path context = Files.createDirectories(work.resolve("context"));
      Command.Result build =
          Command.of(
                  List.of(
                      ProcessHandle.current().info().command().orElse("java"),
                      "-Xmx64m",
                      "-cp",
                      System.getProperty("java.class.path"),
                      SmallHeapDownload.class.getName(),
                      state.toString(),
                      context.toString(),
                      http.base() + "/large"))
              .timeout(Duration.ofMinutes(3))
              .run();
      assertThat(build.succeeded()).as(build.toString()).isTrue();
      assertThat(build.stdout()).contains("built within");
    }
  }

  @Test
  void credentialsInAGitUrlAreSentButNotKeptInTheGitDir() throws Exception {
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      Path root = Files.createDirectories(work.resolve("served"));
      Path repo = work.resolve("repo");
      commit(repo, Map.of("a.txt", "a\n"));
      bare(repo, root.resolve("repo.git"));
      http.gitBackend(root);
      String url = http.base().replace("http://", "http://user:" + SECRET + "@") + "/repo.git";

      Path into = work.resolve("checkout");
      GitCheckout.checkout(
          new GitCheckout.Request(url, "main", true, Optional.empty(), Optional.empty()), into);

      assertThat(into.resolve("a.txt")).hasContent("a");
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("user:" + SECRET).getBytes(StandardCharsets.UTF_8));
      assertThat(http.seen())
          .as("the remote got the URL's credentials")
          .anyMatch(s -> s.authorization().equals(Optional.of(basic)));
      assertThat(git(into, "remote", "get-url", "origin").strip())
          .as("the kept remote, without its user-info")
          .isEqualTo(http.base() + "/repo.git");
      try (Stream<Path> files = Files.walk(into)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
              .as("the kept git dir (it goes into a layer): " + into.relativize(f))
              .doesNotContain(SECRET);
        }
      }
    }
  }

  @Test
  void credentialsInAnAddUrlAreSentButNeverShown() throws Exception {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("user:" + SECRET).getBytes(StandardCharsets.UTF_8));
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      http.serve("/private.txt", "private\n", Optional.of(basic));
      String url = http.base().replace("http://", "http://user:" + SECRET + "@") + "/private.txt";
      Path context = Files.createDirectories(work.resolve("context"));
      Files.writeString(
          context.resolve("Dockerfile"), "FROM scratch\nADD " + url + " /private.txt\n");
      Path oci = work.resolve("image.tar");
      TestBuild.Recorded build;
      try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
        build =
            TestBuild.run(
                engine, context, TestBuild.request().addOutputs(TestBuild.oci(oci)).build());
      }
      assertThat(http.sawAuthorization()).as("the credentials were used").isTrue();
      assertThat(new String(build.events().bytes(), StandardCharsets.UTF_8))
          .contains("user:xxxxx@")
          .doesNotContain(SECRET);
      assertThat(new String(Files.readAllBytes(oci), StandardCharsets.ISO_8859_1))
          .as("the image (its history)")
          .doesNotContain(SECRET);

      // and when it fails, the error does not show them either
      Files.writeString(
          context.resolve("Dockerfile"),
          "FROM scratch\nADD " + url.replace("private", "missing") + " /x\n");
      try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
        List<SolveEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (LocalSession session = LocalSession.builder().context("context", context).build()) {
          assertThatThrownBy(
                  () ->
                      engine.solve(
                          TestBuild.request().build(),
                          session,
                          events::add,
                          new BuildCancellation()))
              .hasMessageContaining("404")
              .hasMessageNotContaining(SECRET);
        }
        assertThat(events.toString()).doesNotContain(SECRET);
      }
    }
  }

  @Test
  void credentialsInAnAddUrlDoNotFollowARedirectToAnotherHost() throws Exception {
    try (LoopbackHttpServer origin = LoopbackHttpServer.start("127.0.0.1");
        LoopbackHttpServer other = LoopbackHttpServer.start("127.0.0.2")) {
      other.serve("/file.txt", "moved\n", Optional.empty());
      origin.redirect("/file.txt", other.base() + "/file.txt");
      String url = origin.base().replace("http://", "http://user:" + SECRET + "@") + "/file.txt";
      Path context = Files.createDirectories(work.resolve("context"));
      Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nADD " + url + " /file.txt\n");
      Path out = work.resolve("out");
      try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
        TestBuild.run(
            engine, context, TestBuild.request().addOutputs(TestBuild.local(out)).build());
      }
      assertThat(out.resolve("file.txt")).hasContent("moved");
      assertThat(origin.sawAuthorization()).as("the URL's own host got the credentials").isTrue();
      assertThat(other.seen()).isNotEmpty();
      assertThat(other.sawAuthorization()).as("the redirect target got the credentials").isFalse();
    }
  }

  @Test
  void aRedirectToAFileUrlIsRefused() throws Exception {
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      http.redirect("/passwd", "file:///etc/passwd");
      Path context = Files.createDirectories(work.resolve("context"));
      Files.writeString(
          context.resolve("Dockerfile"), "FROM scratch\nADD " + http.base() + "/passwd /passwd\n");
      try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
        assertThatThrownBy(() -> TestBuild.run(engine, context, TestBuild.request().build()))
            .isInstanceOf(BuildFailedException.class)
            .hasMessageContaining("only http and https URLs can be downloaded, not file:");
      }
      assertNothingLeftIn(state.resolve("tmp"));
    }
  }

  @Test
  void endlessRedirectsAreRefused() throws Exception {
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      http.redirect("/loop", "/loop");
      Path context = Files.createDirectories(work.resolve("context"));
      Files.writeString(
          context.resolve("Dockerfile"), "FROM scratch\nADD " + http.base() + "/loop /loop\n");
      try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
        assertThatThrownBy(() -> TestBuild.run(engine, context, TestBuild.request().build()))
            .isInstanceOf(BuildFailedException.class)
            .hasMessageContaining("more than 10 redirects; give the file's final URL");
      }
      assertThat(http.seen()).hasSize(11);
    }
  }

  @Test
  @Timeout(60)
  void aDownloadThatStallsTimesOutAndLeavesNothing() throws Exception {
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1");
        HttpSourceFetcher fetcher = new HttpSourceFetcher(1 << 20, Duration.ofSeconds(2))) {
      http.route(
          "/stall",
          ex -> {
            ex.sendResponseHeaders(200, 1000);
            ex.getResponseBody().write(new byte[10]);
            ex.getResponseBody().flush();
            try {
              Thread.sleep(30_000); // headers and 10 bytes, then nothing
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      Path into = Files.createDirectories(work.resolve("into"));
      long started = System.nanoTime();
      assertThatThrownBy(() -> fetcher.fetch(httpSource(http.base() + "/stall"), into))
          .isInstanceOf(SourceFetchException.class)
          .hasMessageContaining("the server sent nothing for 2s after 10 bytes");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
      assertThat(Thread.currentThread().isInterrupted())
          .as("the watch's interrupt is cleared")
          .isFalse();
      assertNothingLeftIn(into);
    }
  }

  @Test
  @Timeout(60)
  void aServerThatNeverAnswersADownloadTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        HttpSourceFetcher fetcher = new HttpSourceFetcher(1 << 20, Duration.ofSeconds(2))) {
      Thread acceptor = Thread.ofVirtual().start(() -> holdConnections(silent));
      Path into = Files.createDirectories(work.resolve("into"));
      assertThatThrownBy(
              () ->
                  fetcher.fetch(
                      httpSource("http://127.0.0.1:" + silent.getLocalPort() + "/x"), into))
          .isInstanceOf(SourceFetchException.class)
          .hasMessageContaining("the server did not answer within 2s");
      silent.close();
      acceptor.join(5000);
    }
  }

  @Test
  void aContentDispositionCannotNameAPathOutsideTheDownload() throws Exception {
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1");
        HttpSourceFetcher fetcher = new HttpSourceFetcher(1 << 20)) {
      http.route(
          "/named",
          ex -> {
            ex.getResponseHeaders()
                .add("Content-Disposition", "attachment; filename=\"../../escaped.txt\"");
            ex.sendResponseHeaders(200, 3);
            ex.getResponseBody().write("hi\n".getBytes(StandardCharsets.UTF_8));
          });
      Path into = Files.createDirectories(work.resolve("a/b/into"));
      Path file = fetcher.fetch(httpSource(http.base() + "/named"), into).file();
      assertThat(file).isEqualTo(into.resolve("escaped.txt")).hasContent("hi");
      try (Stream<Path> all = Files.walk(work)) {
        assertThat(all.filter(p -> p.getFileName().toString().equals("escaped.txt")))
            .containsExactly(into.resolve("escaped.txt"));
      }
    }
  }

  @Test
  void aFileUrlAsTheHttpContextIsRefused() throws Exception {
    SolveRequest request =
        TestBuild.request()
            .setContext(
                BuildContext.newBuilder()
                    .setHttp(HttpContext.newBuilder().setUrl("file:///etc/passwd")))
            .build();
    BuildFailedException refused = failedBuild(request);
    assertThat(refused)
        .hasMessageContaining("only http and https URLs can be downloaded, not file:");
    assertNothingLeftIn(state.resolve("tmp"));
  }

  // ---- helpers ----

  private static SourceOp.Http httpSource(String url) {
    return new SourceOp.Http(url, null, null, null, VertexInfo.named("http"));
  }

  /** Accepts connections and never answers them, until the socket is closed. */
  private static void holdConnections(ServerSocket socket) {
    List<Socket> held = new ArrayList<>();
    try {
      while (true) {
        held.add(socket.accept());
      }
    } catch (IOException closed) {
      for (Socket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  private BuildFailedException failedBuild(SolveRequest request) throws Exception {
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession noClient = LocalSession.builder().build()) {
      try {
        TestBuild.run(engine, noClient, request);
      } catch (BuildFailedException e) {
        return e;
      }
    }
    throw new AssertionError("the build succeeded");
  }

  private static SolveRequest gitContext(String url, String ref) {
    return TestBuild.request()
        .setContext(
            BuildContext.newBuilder().setGit(GitContext.newBuilder().setUrl(url).setRef(ref)))
        .build();
  }

  private static Path daemonRepository(String name) {
    return shared.resolve("daemon/repositories/" + name + ".git");
  }

  private static Path script(Path file, String command) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + command + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static void assertNothingLeftIn(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> left = Files.list(dir)) {
        assertThat(left.toList()).as("left in " + dir).isEmpty();
      }
    }
  }

  /** A repository at {@code dir} with one commit of {@code files} on main. */
  private static void commit(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    for (var f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", ".");
    git(dir, "-c", "user.name=t", "-c", "user.email=t@slipway.invalid", "commit", "-q", "-m", "c");
  }

  private static void bare(Path repo, Path bare) throws IOException {
    git(repo, "clone", "-q", "--bare", ".", bare.toString());
  }

  /**
   * A bare repository at {@code bare} whose one commit has {@code sub} as a submodule at {@code
   * url}.
   */
  private void bareWithSubmodule(Path bare, String url, Path sub) throws IOException {
    Path parent = work.resolve("parent-" + bare.getFileName());
    commit(
        parent, Map.of(".gitmodules", "[submodule \"sub\"]\n\tpath = sub\n\turl = " + url + "\n"));
    String commit = git(sub, "rev-parse", "HEAD").strip();
    git(parent, "update-index", "--add", "--cacheinfo", "160000," + commit + ",sub");
    git(
        parent,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@slipway.invalid",
        "commit",
        "-q",
        "-m",
        "sub");
    bare(parent, bare);
  }

  private static String git(Path dir, String... args) throws IOException {
    Command.Result r =
        Command.of("git", args)
            .in(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .timeout(Duration.ofSeconds(60))
            .run();
    if (!r.succeeded()) {
      throw new IOException(r.toString());
    }
    return r.stdout();
  }

  private static List<ProcessHandle> gitProcesses() throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      List<ProcessHandle> git =
          ProcessHandle.current()
              .descendants()
              .filter(ProcessHandle::isAlive)
              .filter(p -> p.info().command().orElse("").contains("git"))
              .filter(
                  p ->
                      !p.info()
                          .arguments()
                          .map(a -> String.join(" ", a))
                          .orElse("")
                          .contains("daemon"))
              .toList();
      if (git.isEmpty()) {
        return git;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().command().orElse("").contains("git"))
        .toList();
  }
}
