package dev.slipway.session.builder;

import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.FileChunk;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The file chunks of one read request in the order the client sent them, whether one per message or
 * packed many to a message ({@code FileChunks}, for small files).
 */
final class FileChunkSource {
  private final SessionRequest request;
  private final Deque<FileChunk> packed = new ArrayDeque<>();

  FileChunkSource(SessionRequest request) {
    this.request = request;
  }

  SessionRequest request() {
    return request;
  }

  /** The next chunk; {@code what} names the file due, for the error of a wrong answer. */
  FileChunk next(String what) throws IOException {
    try {
      while (packed.isEmpty()) {
        ClientMessage m = request.nextAnswer();
        if (m.hasFile()) {
          return m.getFile();
        }
        if (!m.hasFiles()) {
          throw new IOException(
              "the client answered a read of " + what + " with " + m.getBodyCase());
        }
        packed.addAll(m.getFiles().getChunksList()); // an empty pack: wait for the next message
      }
      return packed.poll();
    } catch (SessionException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
