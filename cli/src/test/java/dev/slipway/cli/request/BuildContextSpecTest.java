package dev.slipway.cli.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.NamedContext;
import dev.slipway.cli.usage.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --build-context NAME=VALUE} is read as buildx reads it, and bad values say why. */
class BuildContextSpecTest {

  @Test
  void eachKindOfValueBecomesItsSource(@TempDir Path dir) {
    assertThat(BuildContextSpec.parse("base=docker-image://alpine:3").context().getImage())
        .isEqualTo("alpine:3");
    assertThat(BuildContextSpec.parse("src=https://host/r.git#v1:sub").context().getGit())
        .isEqualTo("https://host/r.git#v1:sub");
    assertThat(BuildContextSpec.parse("src=git@host:r.git").context().getSourceCase())
        .isEqualTo(NamedContext.SourceCase.GIT);
    assertThat(BuildContextSpec.parse("f=https://host/f.tar").context().getUrl())
        .isEqualTo("https://host/f.tar");
    BuildContextSpec local = BuildContextSpec.parse("lib=" + dir);
    assertThat(local.dir()).isEqualTo(dir);
    assertThat(local.context().getClient().getName()).isEqualTo("named:lib");
  }

  @Test
  void theNameIsKeptInFamiliarForm() {
    assertThat(BuildContextSpec.parse("docker.io/library/alpine:latest=docker-image://x").name())
        .isEqualTo("alpine");
    assertThat(BuildContextSpec.parse("127.0.0.1:5000/app=docker-image://x").name())
        .isEqualTo("127.0.0.1:5000/app");
  }

  @Test
  void hostileOrMalformedValuesAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    String[][] cases = {
      {"noequals", "expected NAME=VALUE"},
      {"=docker-image://x", "expected NAME=VALUE"},
      {"Upper=docker-image://x", "invalid context name"},
      {"a..b=docker-image://x", "invalid context name"},
      {"../up=docker-image://x", "invalid context name"},
      {"a=", "the value is empty"},
      {"a=docker-image://", "needs a reference"},
      {"a=ftp://host/x", "unknown scheme \"ftp\""},
      {"a=oci-layout://" + dir, "not supported yet"},
      {"a=target:other", "bake"},
      {"a=" + dir.resolve("missing"), "does not exist"},
      {"a=" + file, "is not a directory"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> BuildContextSpec.parse(c[0]))
          .as(c[0])
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("--build-context")
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void refusalsNeverShowTheCredentialsAUrlCarries() {
    for (String bad :
        new String[] {
          "https://user:s3cret@host/x.git",
          "src=ftp://user:s3cret@host/x",
          "src=oci-layout://tok3n-s3cret@host/x",
          "src=target:https://user:s3cret@host/x",
        }) {
      assertThatThrownBy(() -> BuildContextSpec.parse(bad))
          .as(bad)
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("--build-context")
          .hasMessageNotContaining("s3cret");
    }
    assertThatThrownBy(() -> BuildContextSpec.parse("src=ftp://user:s3cret@host/x"))
        .hasMessageContaining("ftp://user:xxxxx@host/x");
  }
}
