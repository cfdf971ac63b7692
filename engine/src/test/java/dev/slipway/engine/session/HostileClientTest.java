package dev.slipway.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextKey;
import dev.slipway.session.SessionException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile client's context listing against the engine's real {@link ContextMirror}: each attack
 * from issue #14 ("the client's file listing is trusted") is refused with an error that says what
 * and where, and the sentinel beside the mirror (standing for the rest of the state volume) is
 * unchanged: nothing written, linked, chmod-ed or read through.
 */
class HostileClientTest {
  @TempDir Path state;
  Path mirrorDir;
  Path sentinel;
  List<String> before;

  @BeforeEach
  void setUp() throws IOException {
    mirrorDir = state.resolve("mirror");
    sentinel = Files.createDirectory(state.resolve("sentinel"));
    Files.writeString(sentinel.resolve("secret"), "another build's data");
    Files.setAttribute(sentinel.resolve("secret"), "unix:mode", 0600);
    before = outsideTheMirror();
  }

  @Test
  void aListedSymlinkToRootThenAFileBelowItIsRefused() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c").symlink("a", "/").file("a" + sentinel + "/planted", "x");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("a" + sentinel + "/planted")
        .hasMessageContaining("listed as a file or a symlink");
    assertUntouched();
  }

  @Test
  void aListedSymlinkThenADirectoryBelowItIsRefused() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c").symlink("a", sentinel.toString()).dir("a/sub");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("\"a/sub\"");
    assertUntouched();
  }

  @Test
  void aModeChangeThroughAListedSymlinkIsRefused() throws Exception {
    // "s/secret" as a directory of mode 0777 would replace or chmod the sentinel's file
    FakeClientContext client =
        new FakeClientContext("c").symlink("s", sentinel.toString()).dir("s/secret", 0777);

    assertThatThrownBy(() -> sync(client)).isInstanceOf(SessionException.class);
    assertUntouched();
  }

  @Test
  void aHardLinkToAFileOnTheStateVolumeIsRefused() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c").file("f", "mine").hardLink("stolen", "../../sentinel/secret");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("\"stolen\"")
        .hasMessageContaining("hard link");
    assertUntouched();
    assertThat(mirrorDir.resolve("files/stolen")).doesNotExist();
  }

  @Test
  void aHardLinkToAListedSymlinkIsRefused() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c")
            .symlink("s", sentinel.resolve("secret").toString())
            .hardLink("stolen", "s");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("not a regular file");
    assertUntouched();
  }

  @Test
  void aHardLinkToAFileOfAnEarlierSyncIsRefused() throws Exception {
    sync(new FakeClientContext("c").file("old", "from before"));
    FakeClientContext client = new FakeClientContext("c").hardLink("stolen", "old");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("same listing");
    assertUntouched();
  }

  @Test
  void absoluteAndDotDotPathsAreRefused() throws Exception {
    for (String path : List.of(sentinel + "/x", "../sentinel/x", "a/../../sentinel/x", "./x")) {
      FakeClientContext client = new FakeClientContext("c").file(path, "planted");

      assertThatThrownBy(() -> sync(client))
          .as(path)
          .isInstanceOf(SessionException.class)
          .hasMessageContaining(path);
    }
    assertUntouched();
  }

  @Test
  void aLinkLeftByAnEarlierSyncIsNotWrittenThrough() throws Exception {
    sync(new FakeClientContext("c").dir("a").file("a/f", "one"));
    sync(new FakeClientContext("c").symlink("a", sentinel.toString()));
    // the index still knows a/f; listing it alone must not write (nor later read) through "a"
    FakeClientContext client = new FakeClientContext("c").file("a/f", "two");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symlink /a");
    assertUntouched();
    assertThat(sentinel.resolve("f")).doesNotExist();
  }

  @Test
  void aClientThatSendsWhatWasNotAskedForIsRefused() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c") {
          @Override
          public void readAll(List<String> paths, ContentSink sink) throws IOException {
            sink.accept("../sentinel/secret", new ByteArrayInputStream("x".getBytes()));
          }
        }.file("f", "mine");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not asked for");
    assertUntouched();
  }

  @Test
  void aClientThatSendsMoreThanItsListingAnnouncedIsRefused() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c") {
          @Override
          public void readAll(List<String> paths, ContentSink sink) throws IOException {
            sink.accept("f", new ByteArrayInputStream(new byte[1 << 20]));
          }
        }.file("f", "mine");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sent more than 4 bytes for \"f\"")
        .hasMessageContaining("announced 4");
    assertThat(mirrorDir.resolve("files/f")).doesNotExist();
    assertUntouched();
  }

  @Test
  void aClientThatSendsLessThanItsListingAnnouncedIsRefused() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c") {
          @Override
          public void readAll(List<String> paths, ContentSink sink) throws IOException {
            sink.accept("f", new ByteArrayInputStream("mi".getBytes()));
          }
        }.file("f", "mine");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sent 2 bytes for \"f\"")
        .hasMessageContaining("announced 4");
    assertThat(mirrorDir.resolve("files/f")).doesNotExist();
    assertUntouched();
  }

  @Test
  void aFileNameNearTheLimitStillSyncs() throws Exception {
    String name = "n".repeat(250);
    FakeClientContext client = new FakeClientContext("c").dir("d").file("d/" + name, "data");

    sync(client);

    assertThat(mirrorDir.resolve("files/d/" + name)).hasContent("data");
    assertUntouched();
  }

  @Test
  void aClientThatLeavesOutAFileIsAnError() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c") {
          @Override
          public void readAll(List<String> paths, ContentSink sink) {}
        }.file("f", "mine");

    assertThatThrownBy(() -> sync(client))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("did not send f");
    assertUntouched();
  }

  @Test
  void theMirrorIsKeyedByOwnerAsWellAsTheIdentityTheClientChooses() {
    Path mirrors = state.resolve("mirrors");

    assertThat(ContextMirror.dirFor(mirrors, "alice", "host:/src"))
        .isNotEqualTo(ContextMirror.dirFor(mirrors, "bob", "host:/src"))
        .isEqualTo(ContextMirror.dirFor(mirrors, "alice", "host:/src"));
    // the separator cannot be forged by moving characters between owner and identity
    assertThat(ContextMirror.dirFor(mirrors, "al", "ice\0host:/src"))
        .isNotEqualTo(ContextMirror.dirFor(mirrors, "alice", "host:/src"));
  }

  @Test
  void aContextKeyNamesOneCopyForEveryBuildOfItsMachineAndNoPlainNameReachesIt() {
    Path mirrors = state.resolve("mirrors");
    String key = ContextKey.of(new byte[32], "host:/src");

    assertThat(ContextMirror.dirFor(mirrors, "buildrequest:ns/one", key))
        .as("each BuildRequest is another caller, yet the same machine's copy")
        .isEqualTo(ContextMirror.dirFor(mirrors, "buildrequest:ns/two", key));
    assertThat(ContextMirror.dirFor(mirrors, "", "host:/src"))
        .as("a plain name never lands on a keyed copy, even with an empty owner")
        .isNotEqualTo(ContextMirror.dirFor(mirrors, "anyone", key));
    assertThat(ContextKey.isKey("key:" + "0".repeat(63))).isFalse();
    assertThat(ContextKey.isKey("key:" + "0".repeat(64) + "\0x")).isFalse();
  }

  @Test
  void anHonestListingStillSyncs() throws Exception {
    FakeClientContext client =
        new FakeClientContext("c")
            .dir("d")
            .file("d/f", "data")
            .hardLink("d/g", "d/f")
            .symlink("l", "/etc/passwd");

    ContextMirror.Sync sync = sync(client);

    assertThat(sync.entries()).extracting(ContextFile::path).contains("d/g", "l");
    Path files = mirrorDir.resolve("files");
    assertThat(Files.isSameFile(files.resolve("d/f"), files.resolve("d/g"))).isTrue();
    assertThat(Files.readSymbolicLink(files.resolve("l"))).isEqualTo(Path.of("/etc/passwd"));
    assertUntouched();
  }

  private ContextMirror.Sync sync(FakeClientContext client) throws Exception {
    return ContextMirror.open(mirrorDir)
        .sync(client, List.of(), List.of(), List.of(), (current, total) -> {});
  }

  private void assertUntouched() throws IOException {
    assertThat(sentinel.resolve("secret")).hasContent("another build's data");
    assertThat(outsideTheMirror()).isEqualTo(before);
  }

  /** Every path of the state directory outside the mirror, with type, mode and size. */
  private List<String> outsideTheMirror() throws IOException {
    try (Stream<Path> s = Files.walk(state)) {
      List<String> out = new ArrayList<>();
      for (Path p : s.filter(p -> !p.startsWith(mirrorDir)).sorted().toList()) {
        out.add(
            state.relativize(p)
                + " "
                + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)
                + " "
                + Files.readAttributes(
                        p,
                        java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS)
                    .size());
      }
      return out;
    }
  }
}
