package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine reads of a context directory (the {@code --local} path) across rebuilds: counted
 * at the context's {@code open}, under the real engine and mirror. An unchanged file is never read
 * twice, whether the engine kept running or was reopened on its state.
 */
class ContextReadsTest {
  private static final String DOCKERFILE =
      """
      FROM 127.0.0.1:5000/busybox:latest
      COPY src /src
      """;

  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @Test
  void aNoOpRebuildReadsOnlyTheDockerfileAndAChangeReadsExactlyTheChangedFile() throws Exception {
    writeContext(40);
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      List<String> all = new ArrayList<>(List.of("Dockerfile"));
      for (int i = 0; i < 39; i++) {
        all.add("src/f" + i + ".txt");
      }
      assertThat(build(engine))
          .as("cold: every file once")
          .containsExactlyInAnyOrderElementsOf(all);

      assertThat(build(engine)).as("no-op").containsExactly("Dockerfile");

      Files.writeString(context.resolve("src/f7.txt"), "changed\n");
      assertThat(build(engine))
          .as("one file changed")
          .containsExactlyInAnyOrder("Dockerfile", "src/f7.txt");
    }
  }

  @Test
  void theMirrorsHashesSurviveAnEngineRestart() throws Exception {
    writeContext(20);
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      build(engine);
    }
    Files.writeString(context.resolve("src/f3.txt"), "changed while the engine was down\n");
    try (Engine reopened = Engine.open(EngineConfig.defaults(state))) {
      assertThat(build(reopened)).containsExactlyInAnyOrder("Dockerfile", "src/f3.txt");
      assertThat(build(reopened)).containsExactly("Dockerfile");
    }
  }

  /**
   * BuildKit keeps a file when its size and mtime (and mode, owner) match, so a rewrite that keeps
   * the size and sets the mtime back goes unseen there. Here the inode's change time is part of the
   * key too, and the kernel moves it on every write and every touch.
   */
  @Test
  void aRewriteWithTheSameSizeAndMtimeIsStillSeen() throws Exception {
    writeContext(5);
    Path f = context.resolve("src/f2.txt");
    FileTime mtime = Files.getLastModifiedTime(f);
    String before = Files.readString(f);
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      build(engine);

      String after = before.replace("file", "FILE");
      assertThat(after).hasSameSizeAs(before).isNotEqualTo(before);
      Files.writeString(f, after);
      Files.setLastModifiedTime(f, mtime); // touch -d back
      assertThat(build(engine, TestBuild.local(out))).contains("src/f2.txt");
      assertThat(out.resolve("src/f2.txt")).hasContent(after);
    }
  }

  private void writeContext(int files) throws IOException {
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    Files.createDirectories(context.resolve("src"));
    for (int i = 0; i < files - 1; i++) {
      Files.writeString(context.resolve("src/f" + i + ".txt"), "file " + i + "\n");
    }
  }

  /** Builds the context; returns the paths whose contents the engine opened, as often as it did. */
  private List<String> build(Engine engine, dev.slipway.api.control.v1.Output... outputs)
      throws Exception {
    try (LocalSession local = LocalSession.builder().context("context", context).build()) {
      Counting session = new Counting(local);
      var request = TestBuild.request();
      for (var o : outputs) {
        request.addOutputs(o);
      }
      TestBuild.run(engine, session, request.build());
      return session.opened;
    }
  }

  /** The local session, counting every file the engine opens of its contexts. */
  private static final class Counting implements BuildSession {
    final List<String> opened = new CopyOnWriteArrayList<>();
    private final BuildSession local;

    Counting(BuildSession local) {
      this.local = local;
    }

    @Override
    public ContextFiles context(String name) throws SessionException {
      ContextFiles files = local.context(name);
      return new ContextFiles() {
        @Override
        public String identity() {
          return files.identity();
        }

        @Override
        public List<ContextFile> stat(
            List<String> include, List<String> exclude, List<String> follow)
            throws SessionException {
          return files.stat(include, exclude, follow);
        }

        @Override
        public InputStream open(String path) throws SessionException, IOException {
          opened.add(path);
          return files.open(path);
        }
      };
    }

    @Override
    public Optional<byte[]> secret(String id) throws SessionException {
      return local.secret(id);
    }

    @Override
    public Optional<Path> sshAgentSocket(String id) throws SessionException {
      return local.sshAgentSocket(id);
    }

    @Override
    public OutputStream outputStream(OutputDestination dest) throws SessionException {
      return local.outputStream(dest);
    }

    @Override
    public Optional<RegistryCredentials> registryCredentials(String host) throws SessionException {
      return local.registryCredentials(host);
    }

    @Override
    public String ownerKey() {
      return local.ownerKey();
    }
  }
}
