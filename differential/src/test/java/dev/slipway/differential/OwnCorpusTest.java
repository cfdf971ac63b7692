package dev.slipway.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The module's own corpus is well formed, so a broken case fails here and not mid-run. */
class OwnCorpusTest {
  private static final Path CORPUS = Path.of("corpus").toAbsolutePath();

  @Test
  void everyCaseHasADockerfileAndExistingSecrets() throws Exception {
    List<ConformanceCase> cases = ConformanceCase.loadOwn(CORPUS);
    assertThat(cases)
        .as("the own corpus (issue 16 asks for at least 150 cases next to the 45 shared ones)")
        .hasSizeGreaterThanOrEqualTo(150);
    for (ConformanceCase c : cases) {
      assertThat(c.source().resolve("Dockerfile")).as(c.name()).isRegularFile();
      c.secrets().values().forEach(s -> assertThat(s).as(c.name()).isRegularFile());
      c.buildContexts()
          .values()
          .forEach(
              v -> {
                if (!v.contains("://")) {
                  assertThat(c.source().resolve(v).normalize())
                      .as(c.name() + " named context " + v)
                      .startsWith(c.source())
                      .isDirectory();
                }
              });
    }
  }

  @Test
  void aCaseOutsideAreaNameIsRefused() throws Exception {
    Path bad = Files.createTempDirectory("corpus");
    Files.createDirectories(bad.resolve("area"));
    Files.writeString(bad.resolve("area/case.json"), "{\"desc\": \"x\"}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConformanceCase.loadOwn(bad))
        .hasMessageContaining("AREA/NAME/case.json");
  }
}
