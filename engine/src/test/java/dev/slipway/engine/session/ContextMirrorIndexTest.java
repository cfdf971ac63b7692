package dev.slipway.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror's parsed index stays in memory between syncs, and only while it matches its file. */
class ContextMirrorIndexTest {
  @TempDir Path context;
  @TempDir Path state;

  private ContextMirror.Sync sync(ContextFiles client) throws Exception {
    return ContextMirror.open(state).sync(client, List.of(), List.of(), List.of(), (c, t) -> {});
  }

  private ContextFiles client() throws IOException {
    for (int i = 0; i < 50; i++) {
      Files.writeString(context.resolve("f" + i), "content " + i);
    }
    return new LocalContextFiles(context);
  }

  @Test
  void consecutiveNoOpSyncsParseTheIndexOnce() throws Exception {
    ContextFiles client = client();
    sync(client); // writes the index, and keeps it as saved
    long before = ContextMirror.indexLoads();

    ContextMirror.Sync second = sync(client);
    ContextMirror.Sync third = sync(client);

    assertThat(second.filesTransferred()).isZero();
    assertThat(third.filesTransferred()).isZero();
    assertThat(ContextMirror.indexLoads() - before).isZero();
  }

  @Test
  void anIndexFileReplacedBehindTheProcessIsReadAgain() throws Exception {
    ContextFiles client = client();
    sync(client);
    // another process (or a restart) wrote an index that knows nothing: everything is fetched
    Path index = state.resolve("index.json");
    Path other = state.resolve("index.json.other");
    Files.writeString(other, "{}");
    Files.move(other, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    long before = ContextMirror.indexLoads();

    ContextMirror.Sync again = sync(client);

    assertThat(ContextMirror.indexLoads() - before).isEqualTo(1);
    assertThat(again.filesTransferred()).isEqualTo(50);
  }

  @Test
  void aFailedSyncDropsTheIndexInMemory() throws Exception {
    ContextFiles client = client();
    sync(client);
    Files.writeString(context.resolve("f3"), "changed");
    ContextFiles failing = new FailingReads(client);
    assertThatThrownBy(() -> sync(failing)).isInstanceOf(IOException.class);
    long before = ContextMirror.indexLoads();

    ContextMirror.Sync retried = sync(client);

    assertThat(ContextMirror.indexLoads() - before).isEqualTo(1);
    assertThat(retried.filesTransferred()).isEqualTo(1);
  }

  /** Lists like the client, but breaks off every read. */
  private record FailingReads(ContextFiles client) implements ContextFiles {
    @Override
    public String identity() {
      return client.identity();
    }

    @Override
    public List<ContextFile> stat(List<String> i, List<String> e, List<String> f)
        throws dev.slipway.session.SessionException {
      return client.stat(i, e, f);
    }

    @Override
    public InputStream open(String path) throws IOException {
      throw new IOException("the client went away");
    }

    @Override
    public void readAll(List<String> paths, ContentSink sink) throws IOException {
      throw new IOException("the client went away");
    }
  }
}
