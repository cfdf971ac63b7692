package dev.slipway.engine.graph;

import dev.slipway.engine.content.Platform;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A vertex without inputs: a filesystem that comes from outside the build. */
public sealed interface SourceOp extends Vertex {

  @Override
  default List<Vertex> inputs() {
    return List.of();
  }

  @Override
  default Optional<Vertex> parent() {
    return Optional.empty();
  }

  /** The empty filesystem ({@code FROM scratch}, or the bottom of a {@code COPY --link}). */
  record Scratch(VertexInfo info, CacheKey cacheKey) implements SourceOp {
    public Scratch(VertexInfo info) {
      this(info, null);
    }

    public Scratch {
      cacheKey = new KeyEncoder("scratch").finish();
    }
  }

  /**
   * An image's root filesystem. {@code ref} is the reference as written (after expansion), {@code
   * resolvedName} its normalized form (e.g. {@code docker.io/library/busybox:latest}) which the
   * engine pins to a digest when it pulls.
   */
  record Image(
      String ref, String resolvedName, Platform platform, VertexInfo info, CacheKey cacheKey)
      implements SourceOp {
    public Image(String ref, String resolvedName, Platform platform, VertexInfo info) {
      this(ref, resolvedName, platform, info, null);
    }

    public Image {
      Objects.requireNonNull(resolvedName, "resolvedName");
      Objects.requireNonNull(platform, "platform");
      cacheKey = new KeyEncoder("image").str(resolvedName).str(platform.toString()).finish();
    }
  }

  /**
   * Files of a client-side context (e.g. {@code context} for the build context). Only paths that
   * match {@code includePatterns} (all when empty) and no {@code excludePatterns} are transferred;
   * {@code followPaths} are the paths whose symlinks must be resolved on the client. The cache key
   * covers the selection; the solver adds a checksum of the selected files.
   */
  record Context(
      String contextName,
      List<String> includePatterns,
      List<String> excludePatterns,
      List<String> followPaths,
      VertexInfo info,
      CacheKey cacheKey)
      implements SourceOp {
    public Context(
        String contextName,
        List<String> includePatterns,
        List<String> excludePatterns,
        List<String> followPaths,
        VertexInfo info) {
      this(contextName, includePatterns, excludePatterns, followPaths, info, null);
    }

    public Context {
      includePatterns = List.copyOf(includePatterns);
      excludePatterns = List.copyOf(excludePatterns);
      followPaths = List.copyOf(followPaths);
      cacheKey =
          new KeyEncoder("context")
              .str(contextName)
              .strs(includePatterns)
              .strs(excludePatterns)
              .strs(followPaths)
              .finish();
    }
  }

  /**
   * A git repository checkout; {@code ref} is a branch, tag or commit, empty for the default;
   * {@code checksum} the commit (or its prefix) the checkout must be, empty for any.
   */
  record Git(
      String url,
      String ref,
      String subdir,
      boolean keepGitDir,
      String checksum,
      boolean submodules,
      VertexInfo info,
      CacheKey cacheKey)
      implements SourceOp {
    public Git(
        String url,
        String ref,
        String subdir,
        boolean keepGitDir,
        String checksum,
        boolean submodules,
        VertexInfo info) {
      this(url, ref, subdir, keepGitDir, checksum, submodules, info, null);
    }

    public Git {
      ref = ref == null ? "" : ref;
      subdir = subdir == null ? "" : subdir;
      checksum = checksum == null ? "" : checksum;
      cacheKey =
          new KeyEncoder("git")
              .str(url)
              .str(ref)
              .str(subdir)
              .bool(keepGitDir)
              .str(checksum)
              .bool(submodules)
              .finish();
    }
  }

  /**
   * A file downloaded over http(s), stored as {@code /filename} in the result. {@code checksum}
   * ({@code sha256:...}) is verified when present; {@code chmod} is the file mode or null.
   */
  record Http(
      String url,
      String checksum,
      String filename,
      Integer chmod,
      VertexInfo info,
      CacheKey cacheKey)
      implements SourceOp {
    public Http(String url, String checksum, String filename, Integer chmod, VertexInfo info) {
      this(url, checksum, filename, chmod, info, null);
    }

    public Http {
      cacheKey = new KeyEncoder("http").str(url).str(checksum).str(filename).opt(chmod).finish();
    }
  }
}
