package dev.slipway.engine.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks out one ref of a git repository into a directory with the {@code git} CLI, fetching only
 * that ref (shallow where the server allows). A token is passed as an HTTP header through git's
 * environment, never on a command line or in a message; ssh remotes use the given agent.
 */
public final class GitCheckout {
  private static final long TIMEOUT_MINUTES = 15;

  /**
   * What to check out.
   *
   * @param ref branch, tag or commit; empty for the remote's default branch
   * @param token http(s) token, or empty
   * @param sshAgent ssh-agent socket for ssh remotes, or empty
   */
  public record Request(
      String url, String ref, boolean keepGitDir, Optional<byte[]> token, Optional<Path> sshAgent) {
    @Override
    public String toString() {
      return "GitCheckout.Request[" + SourceFetchException.redact(url) + " " + ref + "]";
    }
  }

  private GitCheckout() {}

  /** Checks out into {@code dir} (created, must not exist); returns the commit checked out. */
  public static String checkout(Request request, Path dir)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    git(request, dir, "init", "-q");
    git(request, dir, "remote", "add", "origin", request.url());
    String ref = request.ref().isEmpty() ? "HEAD" : request.ref();
    Result shallow = run(request, dir, List.of("fetch", "-q", "--depth", "1", "origin", ref));
    if (shallow.exit() != 0) {
      // Some servers refuse shallow fetches of a commit id: fetch everything, then pick it.
      Result full = run(request, dir, List.of("fetch", "-q", "--tags", "origin"));
      if (full.exit() != 0) {
        throw failure(request, "fetch", shallow);
      }
      git(request, dir, "checkout", "-q", ref);
    } else {
      git(request, dir, "checkout", "-q", "FETCH_HEAD");
    }
    Result head = run(request, dir, List.of("rev-parse", "HEAD"));
    git(request, dir, "submodule", "update", "-q", "--init", "--recursive", "--depth", "1");
    if (!request.keepGitDir()) {
      dev.slipway.engine.fs.FileTrees.deleteRecursively(dir.resolve(".git"));
    }
    return head.output().trim();
  }

  private record Result(int exit, String output) {}

  private static void git(Request request, Path dir, String... args)
      throws IOException, InterruptedException {
    Result r = run(request, dir, List.of(args));
    if (r.exit() != 0) {
      throw failure(request, args[0], r);
    }
  }

  private static SourceFetchException failure(Request request, String step, Result r) {
    return new SourceFetchException(
        "git "
            + step
            + " of "
            + SourceFetchException.redact(request.url())
            + (request.ref().isEmpty() ? "" : " at " + request.ref())
            + " failed: "
            + r.output().strip().lines().reduce((a, b) -> b).orElse("")
            + "; check the URL, the ref and the credentials");
  }

  private static Result run(Request request, Path dir, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    request
        .token()
        .ifPresent(
            t -> {
              // git reads extra config from the environment, so the token is on no command line.
              String basic =
                  Base64.getEncoder()
                      .encodeToString(
                          ("x-access-token:" + new String(t, StandardCharsets.UTF_8).trim())
                              .getBytes(StandardCharsets.UTF_8));
              env.put("GIT_CONFIG_COUNT", "1");
              env.put("GIT_CONFIG_KEY_0", "http.extraHeader");
              env.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
            });
    request
        .sshAgent()
        .ifPresent(
            sock -> {
              env.put("SSH_AUTH_SOCK", sock.toString());
              env.put(
                  "GIT_SSH_COMMAND", "ssh -o StrictHostKeyChecking=accept-new -o BatchMode=yes");
            });
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new SourceFetchException("git is not installed: apt-get install git");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new SourceFetchException(
          "git "
              + args.get(0)
              + " of "
              + SourceFetchException.redact(request.url())
              + " timed out");
    }
    return new Result(p.exitValue(), out);
  }
}
