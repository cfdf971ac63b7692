package dev.slipway.engine.source;

import dev.slipway.engine.fs.FileTrees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks out one ref of a git repository into a directory with the {@code git} CLI, fetching only
 * that ref (shallow where the server allows). Every git this starts runs the same way: the URL and
 * ref checked by {@link GitRemote} and put after {@code --end-of-options}; only the transports of
 * {@link GitRemote#PROTOCOLS} allowed (by git itself, so submodules too); none of the host's or the
 * user's git configuration; a token, or the user-info of an http(s) URL, sent as an HTTP header
 * only to the remote's own URL (never to submodule hosts, never across a redirect), through the
 * environment so it is on no command line and, with the git dir kept, in no layer; and a deadline
 * for the whole checkout after which git and its children are killed.
 */
public final class GitCheckout {
  /** How long a checkout may take unless the request says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

  private static final int MAX_OUTPUT_SHOWN = 16 * 1024;

  /**
   * What to check out.
   *
   * @param ref branch, tag or commit; empty for the remote's default branch
   * @param token http(s) token, or empty
   * @param sshAgent ssh-agent socket for ssh remotes, or empty
   * @param timeout the most the whole checkout (fetch, checkout, submodules) may take
   * @param checksum the commit id (or a prefix of it) the ref must resolve to, or empty for any; an
   *     annotated tag's own id counts too, as in BuildKit
   * @param submodules whether submodules are checked out too
   */
  public record Request(
      String url,
      String ref,
      boolean keepGitDir,
      Optional<byte[]> token,
      Optional<Path> sshAgent,
      Duration timeout,
      String checksum,
      boolean submodules) {
    public Request(
        String url,
        String ref,
        boolean keepGitDir,
        Optional<byte[]> token,
        Optional<Path> sshAgent) {
      this(url, ref, keepGitDir, token, sshAgent, DEFAULT_TIMEOUT);
    }

    public Request(
        String url,
        String ref,
        boolean keepGitDir,
        Optional<byte[]> token,
        Optional<Path> sshAgent,
        Duration timeout) {
      this(url, ref, keepGitDir, token, sshAgent, timeout, "", true);
    }

    public Request {
      checksum = checksum == null ? "" : checksum;
    }

    /** This request, pinned to {@code checksum} and with or without submodules. */
    public Request pinned(String checksum, boolean submodules) {
      return new Request(url, ref, keepGitDir, token, sshAgent, timeout, checksum, submodules);
    }

    @Override
    public String toString() {
      return "GitCheckout.Request[" + SourceFetchException.redact(url) + " " + ref + "]";
    }
  }

  private final Request request;
  private final GitRemote remote;
  private final String ref;
  private final Path home;
  private final long deadline;

  private GitCheckout(Request request, Path home) {
    this.request = request;
    this.remote = GitRemote.parse(request.url());
    this.ref = GitRemote.checkRef(request.ref(), request.url());
    if (!request.checksum().matches("[0-9a-fA-F]*")) {
      throw new SourceFetchException(
          "invalid checksum "
              + request.checksum()
              + " for git source "
              + remote.shown()
              + ": give the commit id (hex, or a prefix of it)");
    }
    if (ref.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      checkChecksum(ref, ref); // a commit named by its id: no need to fetch to know it differs
    }
    this.home = home;
    this.deadline = System.nanoTime() + request.timeout().toNanos();
  }

  /** Checks out into {@code dir} (created, must not exist); returns the commit checked out. */
  public static String checkout(Request request, Path dir)
      throws IOException, InterruptedException {
    // git's HOME: empty, so neither ~/.gitconfig nor ~/.ssh of the builder apply; outside dir, so
    // nothing in it (ssh's known_hosts, git's output) reaches the build.
    Path home = dir.resolveSibling(dir.getFileName() + ".git-home");
    GitCheckout git = new GitCheckout(request, home);
    try {
      Files.createDirectories(home);
      Files.createDirectories(dir);
      return git.into(dir);
    } finally {
      FileTrees.deleteRecursively(home);
    }
  }

  private String into(Path dir) throws IOException, InterruptedException {
    git(dir, "init", "-q");
    git(dir, "remote", "add", "--end-of-options", "origin", remote.recorded());
    String wanted = ref.isEmpty() ? "HEAD" : ref;
    Result shallow = null;
    if (!ref.isEmpty() && !ref.startsWith("refs/") && !ref.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      // A name that is both a branch and a tag means the branch, as in BuildKit (git itself
      // would pick the tag); a name that is no branch falls through to git's own lookup.
      Result branch =
          run(
              dir,
              "fetch",
              "-q",
              "--depth",
              "1",
              "--end-of-options",
              "origin",
              "refs/heads/" + ref);
      shallow = branch.exit() == 0 ? branch : null;
    }
    if (shallow == null) {
      shallow = run(dir, "fetch", "-q", "--depth", "1", "--end-of-options", "origin", wanted);
    }
    String fetched = "";
    if (shallow.exit() != 0) {
      // Some servers refuse shallow fetches of a commit id: fetch everything, then pick it.
      Result full = run(dir, "fetch", "-q", "--tags", "--end-of-options", "origin");
      if (full.exit() != 0) {
        throw failure("fetch", shallow);
      }
      git(dir, "checkout", "-q", "--detach", resolve(dir, wanted, shallow));
    } else {
      // what the ref names: an annotated tag's own id, else the commit
      fetched = run(dir, "rev-parse", "FETCH_HEAD").output().trim();
      git(dir, "checkout", "-q", "--detach", "FETCH_HEAD");
    }
    Result head = run(dir, "rev-parse", "HEAD");
    checkChecksum(head.output().trim(), fetched);
    if (request.submodules()) {
      git(dir, "submodule", "update", "-q", "--init", "--recursive", "--depth", "1");
    }
    if (!request.keepGitDir()) {
      FileTrees.deleteRecursively(dir.resolve(".git"));
    }
    return head.output().trim();
  }

  /**
   * Fails unless the requested checksum is a prefix of the commit checked out or of the object the
   * ref named (an annotated tag); the message names the source and both ids.
   */
  private void checkChecksum(String commit, String named) {
    String expected = request.checksum();
    if (expected.isEmpty()
        || commit.startsWith(expected)
        || (!named.isEmpty() && named.startsWith(expected))) {
      return;
    }
    throw new SourceFetchException(
        "git source "
            + remote.shown()
            + (ref.isEmpty() ? "" : " at " + ref)
            + " is commit "
            + commit
            + ", but the checksum expects "
            + expected
            + "; check the ref, or update --checksum to the commit you trust");
  }

  /** The commit a ref names after a full fetch: a tag or commit as is, a branch on origin. */
  private String resolve(Path dir, String wanted, Result shallow)
      throws IOException, InterruptedException {
    for (String candidate : List.of("origin/" + wanted, wanted)) { // a branch before a tag
      Result r =
          run(dir, "rev-parse", "--verify", "-q", "--end-of-options", candidate + "^{commit}");
      if (r.exit() == 0) {
        return r.output().trim();
      }
    }
    throw failure("fetch", shallow);
  }

  private record Result(int exit, String output) {}

  private void git(Path dir, String... args) throws IOException, InterruptedException {
    Result r = run(dir, args);
    if (r.exit() != 0) {
      throw failure(args[0], r);
    }
  }

  private SourceFetchException failure(String step, Result r) {
    return new SourceFetchException(
        "git "
            + step
            + " of "
            + remote.shown()
            + (ref.isEmpty() ? "" : " at " + ref)
            + " failed: "
            + UrlCredentials.redact(r.output().strip().lines().reduce((a, b) -> b).orElse(""))
            + "; check the URL, the ref and the credentials");
  }

  private Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    // Output goes to a file, not a pipe: a pipe read before waitFor blocks past the deadline.
    Path output = Files.createTempFile(home, "git-", ".out");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    environment(pb.environment());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new SourceFetchException("git is not installed: apt-get install git");
    }
    try {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
        kill(p);
        throw new SourceFetchException(
            "git "
                + args[0]
                + " of "
                + remote.shown()
                + " timed out after "
                + request.timeout().toSeconds()
                + "s; check that the remote answers, or make the repository smaller");
      }
      return new Result(p.exitValue(), tail(output));
    } catch (InterruptedException e) {
      kill(p); // a cancelled build leaves no git behind
      throw e;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Kills git and what it started (ssh, git-remote-https, upload-pack helpers). */
  private static void kill(Process p) throws InterruptedException {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    p.waitFor(10, TimeUnit.SECONDS);
  }

  private static String tail(Path output) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "r")) {
      long start = Math.max(0, f.length() - MAX_OUTPUT_SHOWN);
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** git's environment: nothing inherited that configures git, everything this checkout needs. */
  private void environment(Map<String, String> env) {
    env.keySet()
        .removeIf(k -> k.startsWith("GIT_") || k.startsWith("XDG_") || k.startsWith("SSH_"));
    env.put("HOME", home.toString());
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_ASKPASS", "/bin/false");
    List<String[]> config = new ArrayList<>();
    // git enforces the transports itself, for submodules too: a .gitmodules may name any URL.
    config.add(new String[] {"protocol.allow", "never"});
    GitRemote.PROTOCOLS.forEach(
        p -> config.add(new String[] {"protocol." + p + ".allow", "always"}));
    config.add(new String[] {"core.hooksPath", "/dev/null"});
    request
        .token()
        .map(t -> "x-access-token:" + new String(t, StandardCharsets.UTF_8).trim())
        .or(() -> remote.isHttp() ? remote.userInfo() : Optional.empty())
        .ifPresent(
            credentials -> {
              String basic =
                  Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
              // Only for this remote's URL: not for a submodule on another host or path.
              config.add(
                  new String[] {
                    "http." + remote.withoutUserInfo() + ".extraHeader",
                    "Authorization: Basic " + basic
                  });
              // git keeps a header it set for the URL after a redirect to another host: refuse
              // redirects rather than hand the credentials to wherever the remote points.
              config.add(new String[] {"http.followRedirects", "false"});
            });
    env.put("GIT_CONFIG_COUNT", String.valueOf(config.size()));
    for (int i = 0; i < config.size(); i++) {
      env.put("GIT_CONFIG_KEY_" + i, config.get(i)[0]);
      env.put("GIT_CONFIG_VALUE_" + i, config.get(i)[1]);
    }
    // ssh without the builder's ~/.ssh or /etc/ssh config, never prompting; keys only from the
    // agent.
    env.put(
        "GIT_SSH_COMMAND",
        "ssh -F /dev/null -o StrictHostKeyChecking=accept-new -o BatchMode=yes"
            + " -o UserKnownHostsFile="
            + home.resolve("known_hosts"));
    request.sshAgent().ifPresent(sock -> env.put("SSH_AUTH_SOCK", sock.toString()));
  }
}
