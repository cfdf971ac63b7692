package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --build-context} through a real builder process: a named directory is one more part of the
 * session, served minus its own .dockerignore, and a git context is cloned by the builder from a
 * real {@code git daemon} on loopback.
 */
class NamedContextBuildIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir static Path shared;
  private static BuilderProcess builder;
  private static GitDaemon git;
  private static Path token;
  private static String toolsUrl;

  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    token = shared.resolve("token");
    Files.writeString(token, "it-" + System.nanoTime() + "\n");
    builder = BuilderProcess.start(REPO, shared.resolve("state"), token, Map.of());
    git = GitDaemon.start(Files.createDirectories(shared.resolve("git")));
    toolsUrl = git.publish("tools", Map.of("bin/tool.sh", "echo tool\n", "README", "tools repo\n"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (builder != null) {
      builder.close();
    }
    if (git != null) {
      git.close();
    }
  }

  @Test
  void aNamedDirectoryAndAGitContextReachTheBuildThroughTheBuilder() throws Exception {
    Path context = Files.createDirectories(work.resolve("app"));
    Path lib = Files.createDirectories(work.resolve("lib"));
    Files.writeString(lib.resolve("lib.txt"), "from the named directory\n");
    Files.writeString(lib.resolve("private.key"), "never leaves this machine\n");
    Files.writeString(lib.resolve(".dockerignore"), "private.key\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM "
            + Busybox.IN_REGISTRY
            + "\nCOPY --from=lib / /lib-files/\nCOPY --from=tools / /tools/\n");
    Path out = work.resolve("out");

    Command.Running run =
        build(
            context,
            List.of(
                "--build-context",
                "lib=" + lib,
                "--build-context",
                "tools=" + toolsUrl + "#main:bin",
                "-o",
                "type=local,dest=" + out));

    assertThat(run.await()).as(run.output()).isZero();
    assertThat(out.resolve("lib-files/lib.txt")).hasContent("from the named directory");
    assertThat(out.resolve("lib-files/private.key")).doesNotExist();
    assertThat(out.resolve("tools/tool.sh")).hasContent("echo tool");
    assertThat(out.resolve("tools/README")).doesNotExist();
  }

  @Test
  void aFileTheNamedDirectoryIgnoresCannotBeAskedFor() throws Exception {
    Path context = Files.createDirectories(work.resolve("app"));
    Path lib = Files.createDirectories(work.resolve("lib"));
    Files.writeString(lib.resolve("private.key"), "never leaves this machine\n");
    Files.writeString(lib.resolve(".dockerignore"), "private.key\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM " + Busybox.IN_REGISTRY + "\nCOPY --from=lib /private.key /\n");

    Command.Running run =
        build(
            context,
            List.of("--build-context", "lib=" + lib, "-o", "type=local,dest=" + work.resolve("o")));

    assertThat(run.await()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("private.key").doesNotContain("never leaves");
  }

  private Command.Running build(Path context, List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                REPO.resolve("bin/slipway").toString(),
                "build",
                "--builder",
                builder.address(),
                "--token-file",
                token.toString(),
                "--progress",
                "plain"));
    command.addAll(args);
    command.add(context.toString());
    return Command.of(command)
        .env("SSH_AUTH_SOCK", null)
        .env("DOCKER_CONFIG", Files.createDirectories(work.resolve("docker")).toString())
        .start(Files.createTempFile(work, "cli-", ".log"));
  }
}
