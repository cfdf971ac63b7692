package dev.slipway.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.ContextFile;
import dev.slipway.session.SessionException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile builder asking the CLI's {@link LocalContextFiles} for files (issue #14, "the CLI
 * serves more than it should"): nothing outside the context, nothing outside what a listing
 * selected, nothing the context's .dockerignore excludes, whatever patterns the builder sends.
 */
class HostileBuilderTest {
  @TempDir Path dir;
  Path context;
  Path outside;

  @BeforeEach
  void setUp() throws Exception {
    context = Files.createDirectory(dir.resolve("context"));
    outside = Files.createDirectory(dir.resolve("home"));
    Files.writeString(outside.resolve("id_ed25519"), "PRIVATE KEY");
    Files.createSymbolicLink(context.resolve("dirlink"), outside);
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    Files.writeString(context.resolve(".env"), "TOKEN=hunter2");
    Files.writeString(context.resolve(".dockerignore"), ".env\n");
    Files.createDirectory(context.resolve("src"));
    Files.writeString(context.resolve("src/app.c"), "int main;");
    Files.writeString(context.resolve("notes.txt"), "not selected");
  }

  @Test
  void aPathThroughADirectorySymlinkIsNotServed() throws Exception {
    LocalContextFiles files = new LocalContextFiles(context);
    List<ContextFile> listing =
        files.stat(List.of("dirlink/id_ed25519"), List.of(), List.of("dirlink"));

    assertThat(listing).extracting(ContextFile::path).doesNotContain("dirlink/id_ed25519");
    assertThatThrownBy(() -> files.open("dirlink/id_ed25519"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("\"dirlink/id_ed25519\"")
        .hasMessageContaining("nothing was sent");
  }

  @Test
  void aDotDotPathIsNotServed() throws Exception {
    LocalContextFiles files = new LocalContextFiles(context);
    files.stat(List.of(), List.of(), List.of());

    assertThatThrownBy(() -> files.open("../home/id_ed25519"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("no listing");
  }

  @Test
  void aFileOutsideTheSelectionIsNotServed() throws Exception {
    LocalContextFiles files = new LocalContextFiles(context);
    files.stat(List.of("src"), List.of(), List.of());

    try (InputStream in = files.open("src/app.c")) {
      assertThat(in.readAllBytes()).asString().isEqualTo("int main;");
    }
    assertThatThrownBy(() -> files.open("notes.txt"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("\"notes.txt\"")
        .hasMessageContaining("selected");
  }

  @Test
  void aFileTheContextsDockerignoreExcludesIsNeitherListedNorServed() throws Exception {
    LocalContextFiles files =
        new LocalContextFiles(context, LocalContextFiles.ignoreFileServed(List.of(".env")));
    // the builder "forgets" the excludes
    List<ContextFile> listing = files.stat(List.of(), List.of(), List.of());

    assertThat(listing)
        .extracting(ContextFile::path)
        .doesNotContain(".env")
        .contains(".dockerignore", "Dockerfile", "src/app.c");
    assertThatThrownBy(() -> files.open(".env"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining(".dockerignore");
  }

  @Test
  void theDockerfileDirectoryServesOnlyTheDockerfile() throws Exception {
    LocalContextFiles files =
        new LocalContextFiles(
            context,
            LocalContextFiles.servingOnly(List.of("Dockerfile", "Dockerfile.dockerignore")));
    List<ContextFile> listing = files.stat(List.of(), List.of(), List.of());

    assertThat(listing).extracting(ContextFile::path).containsExactly("Dockerfile");
    assertThatThrownBy(() -> files.open("src/app.c")).isInstanceOf(SessionException.class);
    assertThatThrownBy(() -> files.open(".env")).isInstanceOf(SessionException.class);
  }

  @Test
  void aListedFileSwappedForASymlinkIsNotFollowed() throws Exception {
    LocalContextFiles files = new LocalContextFiles(context);
    files.stat(List.of("notes.txt"), List.of(), List.of());
    Files.delete(context.resolve("notes.txt"));
    Files.createSymbolicLink(context.resolve("notes.txt"), outside.resolve("id_ed25519"));

    assertThatThrownBy(() -> files.open("notes.txt"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("symlink");
  }

  @Test
  void aSessionServesWhatItsOneInstanceListed() throws Exception {
    LocalSession session = LocalSession.builder().context("context", context, List.of()).build();
    session.context("context").stat(List.of("src"), List.of(), List.of());

    try (InputStream in = session.context("context").open("src/app.c")) {
      assertThat(in.readAllBytes()).isNotEmpty();
    }
    session.close();
  }
}
