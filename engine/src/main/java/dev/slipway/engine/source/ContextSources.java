package dev.slipway.engine.source;

import dev.slipway.api.Dockerfiles;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.confined.ConfinedRoot;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.fileop.ArchiveLimits;
import dev.slipway.engine.fileop.ArchiveUnpacker;
import dev.slipway.engine.fs.FileTrees;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.session.LocalContextFiles;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Contexts that do not come from the client — a git repository, an http(s) tarball or Dockerfile,
 * files carried inline (a Kubernetes ConfigMap) — are fetched into a directory on the builder and
 * served to the rest of the engine as if the client had sent them, so every later stage is the same
 * for all context kinds. Secrets, ssh agents and credentials still come from the session.
 */
public final class ContextSources {
  private ContextSources() {}

  /**
   * The session the build sees: {@code client} itself for a client context, else one whose
   * "context" is the fetched directory. Close it to delete that directory.
   */
  public static ContextSession open(
      BuildContext context,
      BuildSession client,
      Path workDir,
      HttpSourceFetcher downloads,
      ArchiveLimits archives)
      throws SessionException, IOException {
    if (!context.hasGit() && !context.hasHttp() && !context.hasInline()) {
      return new ContextSession(client, null);
    }
    Path dir = Files.createDirectories(workDir).resolve("ctx-" + UUID.randomUUID());
    try {
      Map<String, String> facts = new TreeMap<>();
      Path root = fetch(context, client, dir, downloads, archives, facts);
      return new ContextSession(client, new ContextDir(root, dir, identity(context), facts));
    } catch (IOException | SessionException | RuntimeException e) {
      FileTrees.deleteRecursively(dir);
      throw e;
    }
  }

  private static Path fetch(
      BuildContext context,
      BuildSession client,
      Path dir,
      HttpSourceFetcher downloads,
      ArchiveLimits archives,
      Map<String, String> facts)
      throws SessionException, IOException {
    if (context.hasInline()) {
      Files.createDirectories(dir);
      ConfinedRoot inline = ConfinedRoot.refusingLinks(dir, "the inline context");
      for (var file : context.getInline().getFilesMap().entrySet()) {
        inline.writeFile(file.getKey(), out -> file.getValue().writeTo(out));
      }
      return dir;
    }
    if (context.hasGit()) {
      GitContext git = context.getGit();
      Optional<byte[]> token =
          git.getTokenSecretId().isEmpty()
              ? Optional.empty()
              : client.secret(git.getTokenSecretId());
      Optional<Path> agent =
          git.getSshId().isEmpty() ? Optional.empty() : client.sshAgentSocket(git.getSshId());
      try {
        String commit =
            GitCheckout.checkout(
                new GitCheckout.Request(
                    git.getUrl(), git.getRef(), git.getKeepGitDir(), token, agent),
                dir);
        facts.put("git.commit", commit);
        facts.put("git.url", SourceFetchException.redact(git.getUrl()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SessionException(
            "interrupted while cloning " + SourceFetchException.redact(git.getUrl()), e);
      }
      return git.getSubdir().isEmpty()
          ? dir
          : ConfinedRoot.followingLinksInside(dir, "the git checkout").resolve(git.getSubdir());
    }
    Path download = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-download"));
    try {
      String url = context.getHttp().getUrl();
      if (!context.getHttp().getChecksum().isEmpty()) {
        facts.put("context.digest", context.getHttp().getChecksum());
      }
      Path file =
          downloads
              .fetch(
                  new SourceOp.Http(
                      url,
                      context.getHttp().getChecksum().isEmpty()
                          ? null
                          : context.getHttp().getChecksum(),
                      null,
                      null,
                      VertexInfo.named("")),
                  download)
              .file();
      Files.createDirectories(dir);
      if (ArchiveUnpacker.isArchive(file)) {
        ArchiveUnpacker.unpack(file, dir, null, archives);
      } else {
        Files.move(file, dir.resolve(Dockerfiles.DEFAULT_NAME)); // a URL to a plain Dockerfile
      }
      return dir;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while downloading the context", e);
    } finally {
      FileTrees.deleteRecursively(download);
    }
  }

  /** Names the context for the engine's incremental copy: same source, same copy. */
  private static String identity(BuildContext context) {
    String source =
        context.hasGit()
            ? "git:" + context.getGit().getUrl() + "#" + context.getGit().getSubdir()
            : context.hasHttp() ? "http:" + context.getHttp().getUrl() : "inline";
    return "remote:" + Digest.of(source.getBytes(StandardCharsets.UTF_8)).hex();
  }

  private record ContextDir(Path root, Path owned, String identity, Map<String, String> facts) {}

  /** A client session whose "context" (and Dockerfile) come from a fetched directory. */
  public static final class ContextSession implements BuildSession, AutoCloseable {
    private final BuildSession client;
    private final ContextDir fetched;
    // one instance, so that it serves only what it listed for this build
    private final LocalContextFiles files;

    private ContextSession(BuildSession client, ContextDir fetched) {
      this.client = client;
      this.fetched = fetched;
      this.files = fetched == null ? null : new LocalContextFiles(fetched.root());
    }

    @Override
    public ContextFiles context(String name) throws SessionException {
      if (fetched == null) {
        return client.context(name);
      }
      if (!name.equals("context") && !name.equals("dockerfile")) {
        // the client's own parts, such as the directories of named contexts
        return client.context(name);
      }
      return new ContextFiles() {
        @Override
        public String identity() {
          return fetched.identity();
        }

        @Override
        public java.util.List<dev.slipway.session.ContextFile> stat(
            java.util.List<String> include,
            java.util.List<String> exclude,
            java.util.List<String> follow)
            throws SessionException {
          return files.stat(include, exclude, follow);
        }

        @Override
        public java.io.InputStream open(String path) throws SessionException, IOException {
          return files.open(path);
        }
      };
    }

    /**
     * What the fetch resolved, for provenance: "git.commit" and "git.url" (credentials redacted) of
     * a git context, "context.digest" of an http context pinned by checksum; empty otherwise.
     */
    public Map<String, String> facts() {
      return fetched == null ? Map.of() : Map.copyOf(fetched.facts());
    }

    @Override
    public String ownerKey() {
      return client.ownerKey();
    }

    @Override
    public Optional<byte[]> secret(String id) throws SessionException {
      return client.secret(id);
    }

    @Override
    public Optional<Path> sshAgentSocket(String id) throws SessionException {
      return client.sshAgentSocket(id);
    }

    @Override
    public OutputStream outputStream(OutputDestination dest) throws SessionException {
      return client.outputStream(dest);
    }

    @Override
    public Optional<RegistryCredentials> registryCredentials(String host) throws SessionException {
      return client.registryCredentials(host);
    }

    @Override
    public void close() throws IOException {
      if (fetched != null) {
        FileTrees.deleteRecursively(fetched.owned());
      }
    }
  }
}
