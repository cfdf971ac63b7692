package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Named contexts (buildx --build-context) in FROM, COPY --from, RUN --mount and over stages. */
class NamedContextConversionTest extends ConversionTestSupport {

  private BuildDefinition convert(String dockerfile, String name, NamedSource source) {
    return DockerfileFrontend.convert(request(dockerfile).namedContext(name, source).build());
  }

  private static Vertex copySource(Vertex v) {
    return ((FileAction.Copy) ((FileOp) v).actions().get(0)).source();
  }

  @Test
  void anImageContextReplacesTheFromImageOfItsNameWithItsConfig() {
    BuildDefinition d =
        convert(
            "FROM alpine:3.19\nRUN x\n",
            "alpine:3.19",
            new NamedSource.Image("127.0.0.1:5000/busybox:latest"));
    SourceOp.Image base = (SourceOp.Image) exec(d.root()).rootfs();
    assertThat(base.resolvedName()).isEqualTo("127.0.0.1:5000/busybox:latest");
    assertThat(resolved).containsExactly("127.0.0.1:5000/busybox:latest");
    assertThat(d.image().config().envValue("FROM_IMAGE")).isEqualTo("1");
  }

  @Test
  void namesAreComparedInFamiliarForm() {
    BuildDefinition d =
        convert(
            "FROM docker.io/library/busybox:latest\nRUN x\n",
            ContextName.familiar("busybox:latest"),
            new NamedSource.Image("127.0.0.1:5000/busybox:latest"));
    assertThat(((SourceOp.Image) exec(d.root()).rootfs()).resolvedName())
        .isEqualTo("127.0.0.1:5000/busybox:latest");
    assertThat(ContextName.familiar("docker.io/library/busybox")).isEqualTo("busybox");
    assertThat(ContextName.familiar("docker.io/me/app:1")).isEqualTo("me/app:1");
    assertThat(ContextName.familiar("127.0.0.1:5000/busybox:latest"))
        .isEqualTo("127.0.0.1:5000/busybox");
  }

  @Test
  void hostileNamesAreNoContextNames() {
    for (String name : List.of("Upper", "a..b", "a=b", "/abs", "../up", "a b", "")) {
      assertThatThrownBy(() -> ContextName.familiar(name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aContextNamedLikeAStageReplacesTheWholeStage() {
    BuildDefinition d =
        convert(
            "FROM a AS base\nRUN never\nFROM base\nRUN after\n",
            "base",
            new NamedSource.Image("127.0.0.1:5000/busybox:latest"));
    ExecOp after = exec(d.root());
    assertThat(after.rootfs()).isInstanceOf(SourceOp.Image.class);
    assertThat(resolved).containsExactly("127.0.0.1:5000/busybox:latest");
  }

  @Test
  void aLocalContextIsReadFromItsSessionPartWithItsOwnIgnorePatterns() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request("FROM a\nCOPY --from=lib / /lib/\n")
                .ignorePatterns(List.of("main-only"))
                .namedContext("lib", new NamedSource.Local("named:lib", List.of("skip.txt")))
                .build());
    SourceOp.Context lib = (SourceOp.Context) copySource(d.root());
    assertThat(lib.contextName()).isEqualTo("named:lib");
    assertThat(lib.excludePatterns()).containsExactly("skip.txt");
  }

  @Test
  void runMountFromReadsANamedContext() {
    BuildDefinition d =
        convert(
            "FROM a\nRUN --mount=from=data,target=/d cat /d/x\n",
            "data",
            new NamedSource.Local("named:data", List.of()));
    assertThat(exec(d.root()).mounts())
        .anySatisfy(m -> assertThat(m.source()).isInstanceOf(SourceOp.Context.class));
  }

  @Test
  void aGitContextParsesRefAndSubdirAndAnHttpOneIsTheFileContext() {
    BuildDefinition git =
        convert(
            "FROM scratch\nCOPY --from=src / /\n",
            "src",
            new NamedSource.Git("https://git.example/r.git#v1:sub"));
    SourceOp.Git g = (SourceOp.Git) copySource(git.root());
    assertThat(List.of(g.url(), g.ref(), g.subdir()))
        .containsExactly("https://git.example/r.git", "v1", "sub");
    BuildDefinition http =
        convert(
            "FROM scratch\nCOPY --from=f / /\n",
            "f",
            new NamedSource.Http("http://127.0.0.1:1/dir/file.txt"));
    assertThat(((SourceOp.Http) copySource(http.root())).filename()).isEqualTo("context");
  }

  @Test
  void aStageOfTheSameNameWinsOverNothingAndScratchIsNeverAContext() {
    BuildDefinition d =
        convert(
            "FROM scratch\nCOPY --from=other /f /f\n",
            "scratch",
            new NamedSource.Image("127.0.0.1:5000/busybox:latest"));
    assertThat(((FileOp) d.root()).base()).isInstanceOf(SourceOp.Scratch.class);
    assertThat(copySource(d.root())).isInstanceOf(SourceOp.Image.class);
    assertThat(((SourceOp.Image) copySource(d.root())).resolvedName())
        .isEqualTo("docker.io/library/other:latest");
  }

  @Test
  void aBadImageReferenceIsReportedWhereTheContextIsUsed() {
    assertThatThrownBy(
            () -> convert("FROM a\nCOPY --from=x / /\n", "x", new NamedSource.Image("Bad Ref")))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("Bad Ref");
  }
}
