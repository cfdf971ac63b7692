package dev.slipway.session;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The files of one build context, as far as the engine may see them: it lists what a set of
 * patterns selects, then opens only the files it does not already have.
 */
public interface ContextFiles {

  /**
   * Names this context stably across builds (e.g. the client's host and directory), so the engine
   * can keep an incremental copy of it and transfer only what changed.
   */
  String identity();

  /**
   * Metadata of the files that the include patterns select and the exclude patterns do not
   * (Docker's .dockerignore syntax), directories included, sorted by path. Where a path in {@code
   * followPaths} is a symlink, what it points to (inside the context) is selected too, so that
   * {@code COPY link /dest} can copy the link's target.
   */
  List<ContextFile> stat(
      List<String> includePatterns, List<String> excludePatterns, List<String> followPaths)
      throws SessionException;

  /** The contents of a regular file listed by {@link #stat}. */
  InputStream open(String path) throws SessionException, IOException;

  /** Receives one file's contents; the stream is only valid during the call. */
  @FunctionalInterface
  interface ContentSink {
    void accept(String path, InputStream contents) throws IOException;
  }

  /**
   * Reads several regular files, in the given order, in as few exchanges with the client as the
   * implementation can manage: a remote client streams them all in answer to one request instead of
   * one round trip per file. The default opens them one by one.
   */
  default void readAll(List<String> paths, ContentSink sink) throws SessionException, IOException {
    for (String path : paths) {
      try (InputStream in = open(path)) {
        sink.accept(path, in);
      }
    }
  }
}
