package dev.slipway.differential;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The corpus' git repositories, served by a real {@code git daemon} on {@code
 * git://127.0.0.1:19418/NAME.git} while cases run (both builders fetch from it: the oracle's worker
 * runs on the host network). Each folder {@code corpus/git-repos/NAME/} becomes one repository: its
 * files (all but {@code history.sh}) are the first commit on {@code main}, then {@code history.sh},
 * if present, runs in the checkout to add commits, branches and tags. Author, committer and dates
 * are fixed, so every commit id is the same on every run and a case may pin one.
 */
final class CorpusGitServer implements AutoCloseable {
  static final int PORT = 19418;
  private static final String HISTORY = "history.sh";

  private final Process daemon;

  private CorpusGitServer(Process daemon) {
    this.daemon = daemon;
  }

  /** Creates the repositories of {@code repos} under {@code work} and serves them. */
  static CorpusGitServer start(Path repos, Path work) throws IOException, InterruptedException {
    HostProcess.output(work.getParent(), "rm", "-rf", work.toString());
    Path served = Files.createDirectories(work.resolve("repositories"));
    try (Stream<Path> dirs = Files.list(repos)) {
      for (Path repo : dirs.filter(Files::isDirectory).sorted().toList()) {
        String name = repo.getFileName().toString();
        Path checkout = work.resolve("checkouts").resolve(name);
        Files.createDirectories(checkout.getParent());
        HostProcess.output(work, "cp", "-a", repo.toString(), checkout.toString());
        Files.deleteIfExists(checkout.resolve(HISTORY));
        git(checkout, "init", "-q", "-b", "main");
        git(checkout, "add", "-A");
        git(checkout, "commit", "-q", "-m", name);
        if (Files.exists(repo.resolve(HISTORY))) {
          git(checkout, "bash", "-e", repo.resolve(HISTORY).toString());
        }
        git(
            work,
            "git",
            "clone",
            "-q",
            "--bare",
            checkout.toString(),
            served + "/" + name + ".git");
      }
    }
    Path log = work.resolve("git-daemon.log");
    Process process =
        new ProcessBuilder(
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--listen=127.0.0.1",
                "--port=" + PORT,
                "--base-path=" + served,
                served.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    for (int i = 0; i < 200 && process.isAlive(); i++) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), PORT)) {
        return new CorpusGitServer(process);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly().waitFor();
    throw new IOException(
        "git daemon did not start on 127.0.0.1:"
            + PORT
            + " (is the port taken?); its log:\n"
            + Files.readString(log));
  }

  /**
   * Runs {@code command} (git's arguments, or a program starting with {@code git}/{@code bash}) in
   * {@code dir} with the fixed identity and dates and none of the host's git configuration.
   */
  private static void git(Path dir, String... command) throws IOException, InterruptedException {
    List<String> argv =
        command[0].equals("git") || command[0].equals("bash")
            ? List.of(command)
            : Stream.concat(Stream.of("git"), Stream.of(command)).toList();
    Map<String, String> env = new HashMap<>();
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_AUTHOR_NAME", "Slipway Corpus");
    env.put("GIT_AUTHOR_EMAIL", "corpus@slipway.invalid");
    env.put("GIT_AUTHOR_DATE", "2020-01-01T00:00:00Z");
    env.put("GIT_COMMITTER_NAME", "Slipway Corpus");
    env.put("GIT_COMMITTER_EMAIL", "corpus@slipway.invalid");
    env.put("GIT_COMMITTER_DATE", "2020-01-01T00:00:00Z");
    Path log = Files.createTempFile("corpus-git", ".log");
    try {
      int status = HostProcess.run(dir, argv, env, log, 120);
      if (status != 0) {
        throw new IOException(
            String.join(" ", argv)
                + " in "
                + dir
                + " exited with "
                + status
                + ":\n"
                + Files.readString(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Override
  public void close() throws InterruptedException {
    daemon.destroy();
    if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor();
    }
  }
}
