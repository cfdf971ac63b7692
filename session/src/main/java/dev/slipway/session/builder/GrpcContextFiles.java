package dev.slipway.session.builder;

import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.FileStat;
import dev.slipway.api.session.v1.ReadFilesRequest;
import dev.slipway.api.session.v1.StatRequest;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's context as the engine sees it on a builder: listings and file contents asked for over
 * the session. The engine's {@code ContextMirror} decides which files to read, so only the files
 * that changed since its last copy cross the network.
 */
final class GrpcContextFiles implements ContextFiles {
  /** Bytes a client may send ahead of what the engine has read (per file being read). */
  static final long READ_WINDOW = 4L << 20;

  /** Files asked for in one read request; bounded so one request never holds a huge list. */
  static final int READ_BATCH = 1000;

  private final AttachedSession session;
  private final String name;
  private final String identity;

  GrpcContextFiles(AttachedSession session, String name, String identity) {
    this.session = session;
    this.name = name;
    this.identity = identity;
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public List<ContextFile> stat(
      List<String> includePatterns, List<String> excludePatterns, List<String> followPaths)
      throws SessionException {
    StatRequest.Builder stat =
        StatRequest.newBuilder()
            .setContext(name)
            .addAllIncludePatterns(includePatterns)
            .addAllExcludePatterns(excludePatterns)
            .addAllFollowPaths(followPaths);
    List<ContextFile> files = new ArrayList<>();
    try (SessionRequest request =
        session.ask(
            BuilderMessage.newBuilder().setStat(stat), "the listing of context \"" + name + "\"")) {
      while (true) {
        ClientMessage m = request.nextAnswer();
        for (FileStat f : m.getStat().getEntriesList()) {
          files.add(
              new ContextFile(
                  f.getPath(),
                  f.getMode(),
                  f.getSize(),
                  f.getMtimeUnixNanos(),
                  f.getUid(),
                  f.getGid(),
                  f.getLinkname(),
                  f.getCtimeUnixNanos(),
                  f.getInode()));
        }
        if (m.getStat().getLast()) {
          return files;
        }
      }
    }
  }

  @Override
  public InputStream open(String path) throws SessionException {
    String what = "\"" + path + "\" of context \"" + name + "\"";
    SessionRequest request = session.ask(read(List.of(path)), what);
    return new ClientFileStream(
        new FileChunkSource(request),
        new ReadWindow(session, request, READ_WINDOW),
        path,
        what,
        true);
  }

  /** One request for many files: a round trip per batch instead of per file. */
  @Override
  public void readAll(List<String> paths, ContentSink sink) throws SessionException, IOException {
    for (int from = 0; from < paths.size(); from += READ_BATCH) {
      List<String> batch = paths.subList(from, Math.min(paths.size(), from + READ_BATCH));
      try (SessionRequest request =
          session.ask(read(batch), batch.size() + " files of context \"" + name + "\"")) {
        ReadWindow window = new ReadWindow(session, request, READ_WINDOW);
        FileChunkSource chunks = new FileChunkSource(request);
        for (String path : batch) {
          String what = "\"" + path + "\" of context \"" + name + "\"";
          try (InputStream in = new ClientFileStream(chunks, window, path, what, false)) {
            sink.accept(path, in);
          }
        }
      }
    }
  }

  private BuilderMessage.Builder read(List<String> paths) {
    return BuilderMessage.newBuilder()
        .setRead(
            ReadFilesRequest.newBuilder()
                .setContext(name)
                .addAllPaths(paths)
                .setInitialCredit(READ_WINDOW)
                .setPacked(true));
  }
}
