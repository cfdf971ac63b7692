package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ADD} of git URLs in the query form and pinned by {@code --checksum}, and {@code ADD
 * --unpack}, built by the real engine from a real {@code git daemon} and a real HTTP server on
 * 127.0.0.1.
 */
@Timeout(300)
class GitAddTest {
  @TempDir static Path shared;
  @TempDir Path state;
  @TempDir Path out;
  @TempDir Path context;
  private static GitDaemon daemon;
  private static String url;
  private static String mainCommit;
  private static String tagCommit;

  /** main: "two"; tag v1 (annotated) and branch dev's parent: "one"; dev: "dev". */
  @BeforeAll
  static void serveARepositoryWithBranchesAndTags() throws Exception {
    daemon = GitDaemon.start(shared);
    String anyUrl = daemon.publish("unused", Map.of("f", "f\n"));
    url = anyUrl.replace("unused.git", "multi.git");
    Path repo = Files.createDirectories(shared.resolve("repositories/multi.git"));
    git(repo, "init", "-q", "-b", "main");
    commit(repo, Map.of("version", "one\n", "sub/inner.txt", "inner\n"));
    git(repo, "tag", "-a", "-m", "v1", "v1");
    tagCommit = git(repo, "rev-parse", "HEAD");
    git(repo, "checkout", "-q", "-b", "dev");
    commit(repo, Map.of("version", "dev\n"));
    git(repo, "checkout", "-q", "main");
    commit(repo, Map.of("version", "two\n"));
    mainCommit = git(repo, "rev-parse", "HEAD");
    git(repo, "branch", "same", "dev");
    git(repo, "tag", "same", tagCommit);
    Path parent = Files.createDirectories(shared.resolve("repositories/withsub.git"));
    git(parent, "init", "-q", "-b", "main");
    commit(parent, Map.of("top.txt", "top\n"));
    git(parent, "submodule", "add", "-q", url, "mod");
    git(parent, "commit", "-q", "-m", "with a submodule");
  }

  @AfterAll
  static void stopTheDaemon() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void theQueryFormPicksBranchTagRefAndSubdirectory() throws Exception {
    build(
        "FROM scratch\n"
            + ("ADD " + url + "?branch=dev /dev/\n")
            + ("ADD " + url + "?tag=v1 /tag/\n")
            + ("ADD " + url + "?ref=main&subdir=sub /sub/\n")
            + ("ADD " + url + "#main:sub /fragment/\n")
            + ("ADD " + url + "?keep-git-dir=true /kept/\n"));
    assertThat(out.resolve("dev/version")).hasContent("dev");
    assertThat(out.resolve("tag/version")).hasContent("one");
    assertThat(out.resolve("sub/inner.txt")).hasContent("inner");
    assertThat(out.resolve("sub/version")).doesNotExist();
    assertThat(out.resolve("fragment/inner.txt")).hasContent("inner");
    assertThat(out.resolve("kept/.git")).isDirectory();
    assertThat(out.resolve("dev/.git")).as("not kept by default").doesNotExist();
  }

  @Test
  void anHttpUrlEndingInDotGitTakesTheQueryForm() throws Exception {
    try (LoopbackHttpServer http = LoopbackHttpServer.start("127.0.0.1")) {
      http.gitBackend(shared.resolve("repositories"));
      build("FROM scratch\nADD " + http.base() + "/multi.git?branch=dev&subdir=sub /http/\n");
    }
    assertThat(out.resolve("http/inner.txt")).hasContent("inner");
    assertThat(out.resolve("http/version")).doesNotExist();
  }

  @Test
  void aNameThatIsABranchAndATagMeansTheBranch() throws Exception {
    build("FROM scratch\nADD " + url + "#same /same/\n");
    assertThat(out.resolve("same/version")).hasContent("dev");
  }

  @Test
  void aChecksumThatMatchesTheCommitOrItsPrefixBuilds() throws Exception {
    build(
        "FROM scratch\n"
            + ("ADD --checksum=" + mainCommit + " " + url + " /full/\n")
            + ("ADD " + url + "?tag=v1&checksum=" + tagCommit.substring(0, 12) + " /prefix/\n"));
    assertThat(out.resolve("full/version")).hasContent("two");
    assertThat(out.resolve("prefix/version")).hasContent("one");
  }

  @Test
  void aChecksumOfAnotherCommitFailsNamingTheSourceAndBothIds() throws Exception {
    assertThatThrownBy(
            () -> build("FROM scratch\nADD --checksum=" + tagCommit + " " + url + " /\n"))
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("multi.git")
        .hasMessageContaining(mainCommit)
        .hasMessageContaining(tagCommit)
        .hasMessageContaining("update --checksum");
    assertThatThrownBy(
            () ->
                build(
                    "FROM scratch\nADD --checksum="
                        + tagCommit
                        + " "
                        + url
                        + "#"
                        + mainCommit
                        + " /\n"))
        .as("a ref that is a commit id is compared without fetching")
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining(mainCommit)
        .hasMessageContaining(tagCommit);
  }

  @Test
  void theFlagsAndTheUrlMustAgree() {
    assertThatThrownBy(() -> build("FROM scratch\nADD --checksum=abc " + url + "?checksum=def /\n"))
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("Dockerfile:2");
    assertThatThrownBy(
            () -> build("FROM scratch\nADD --keep-git-dir=false " + url + "?keep-git-dir=true /\n"))
        .hasMessageContaining("conflicts with keep-git-dir=true");
    assertThatThrownBy(() -> build("FROM scratch\nADD --checksum=main! " + url + " /\n"))
        .hasMessageContaining("invalid checksum main!");
  }

  @Test
  void aQueryRefThatIsAnOptionRunsNothing() {
    assertThatThrownBy(() -> build("FROM scratch\nADD " + url + "?ref=--upload-pack=touch /\n"))
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("starts with '-', which git would read as an option");
  }

  @Test
  void submodulesAreCheckedOutUnlessTheQuerySaysFalse() throws Exception {
    String withSub = url.replace("multi.git", "withsub.git");
    build(
        "FROM scratch\nADD "
            + withSub
            + " /with/\nADD "
            + withSub
            + "?submodules=false /without/\n");
    assertThat(out.resolve("with/mod/version")).hasContent("two");
    assertThat(out.resolve("without/top.txt")).hasContent("top");
    assertThat(out.resolve("without/mod/version")).doesNotExist();
  }

  @Test
  void unpackDecidesWhetherAnArchiveIsExtracted(@TempDir Path served) throws Exception {
    Path tree = Files.createDirectories(served.resolve("tree"));
    Files.writeString(tree.resolve("inside.txt"), "inside\n");
    Command.Result tar =
        Command.of("tar", "-C", tree.toString(), "-czf", "../a.tar.gz", "inside.txt")
            .in(tree)
            .timeout(Duration.ofSeconds(30))
            .run();
    assertThat(tar.succeeded()).as(tar.toString()).isTrue();
    Files.copy(served.resolve("a.tar.gz"), context.resolve("a.tar.gz"));
    HttpServer http =
        SimpleFileServer.createFileServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            served,
            SimpleFileServer.OutputLevel.NONE);
    http.start();
    try {
      String remote = "http://127.0.0.1:" + http.getAddress().getPort() + "/a.tar.gz";
      build(
          "FROM scratch\n"
              + "ADD a.tar.gz /local-default/\n"
              + "ADD --unpack=false a.tar.gz /local-kept/\n"
              + ("ADD " + remote + " /remote-default/\n")
              + ("ADD --unpack=true " + remote + " /remote-unpacked/\n"));
    } finally {
      http.stop(0);
    }
    assertThat(out.resolve("local-default/inside.txt")).hasContent("inside");
    assertThat(out.resolve("local-kept/a.tar.gz")).isRegularFile();
    assertThat(out.resolve("local-kept/inside.txt")).doesNotExist();
    assertThat(out.resolve("remote-default/a.tar.gz")).isRegularFile();
    assertThat(out.resolve("remote-unpacked/inside.txt")).hasContent("inside");
    assertThat(out.resolve("remote-unpacked/a.tar.gz")).doesNotExist();
  }

  private void build(String dockerfile) throws Exception {
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    SolveRequest request = TestBuild.request().addOutputs(TestBuild.local(out)).build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      TestBuild.run(engine, context, request);
    }
  }

  private static void commit(Path repo, Map<String, String> files) throws IOException {
    for (var f : files.entrySet()) {
      Path p = repo.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "change");
  }

  private static String git(Path repo, String... args) throws IOException {
    String[] all = new String[args.length + 4];
    all[0] = "-c";
    all[1] = "user.name=slipway-test";
    all[2] = "-c";
    all[3] = "user.email=test@slipway.invalid";
    System.arraycopy(args, 0, all, 4, args.length);
    Command.Result r = Command.of("git", all).in(repo).timeout(Duration.ofSeconds(60)).run();
    if (!r.succeeded()) {
      throw new IOException(r.toString());
    }
    return r.stdout().trim();
  }
}
