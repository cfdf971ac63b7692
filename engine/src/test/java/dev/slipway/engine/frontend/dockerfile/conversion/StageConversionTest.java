package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.HistoryEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ARG and ENV scoping across stages, stage references, the target, ONBUILD, no-cache, warnings. */
class StageConversionTest extends ConversionTestSupport {

  @Test
  void argBeforeFromIsUsedInFromAndOnlyVisibleInAStageWhenRedeclared() {
    BuildDefinition d =
        convert("ARG TAG=1.0\nARG IMG=alpine\nFROM $IMG:${TAG}\nRUN a\nARG TAG\nRUN b\n");
    ExecOp b = exec(d.root());
    ExecOp a = exec(b.rootfs());
    assertThat(envOf(a, "TAG")).isNull();
    assertThat(envOf(b, "TAG")).isEqualTo("1.0");
    assertThat(((SourceOp.Image) a.rootfs()).resolvedName())
        .isEqualTo("docker.io/library/alpine:1.0");
    assertThat(resolved).containsExactly("docker.io/library/alpine:1.0");
  }

  @Test
  void buildArgsOverrideDefaultsOnlyWhereDeclaredAndShowInRunHistory() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request(
                    "FROM a AS one\nARG V=def\nRUN x\nFROM a\nRUN y\nARG V\nRUN z\nCOPY --from=one /f /f\n")
                .buildArg("V", "cli")
                .build());
    FileOp copy = (FileOp) d.root();
    ExecOp z = exec(copy.base());
    ExecOp y = exec(z.rootfs());
    assertThat(envOf(y, "V")).isNull();
    assertThat(envOf(z, "V")).isEqualTo("cli");
    ExecOp x = exec(((FileAction.Copy) copy.actions().get(0)).source());
    assertThat(envOf(x, "V")).isEqualTo("cli");
    assertThat(d.image().history())
        .extracting(HistoryEntry::createdBy)
        .contains("RUN |1 V=cli /bin/sh -c z # buildkit");
  }

  @Test
  void theLatestOfEnvAndArgWinsInTheBuildEnvironmentButOnlyEnvReachesTheConfig() {
    // BuildKit 0.34 (differential case arg/arg-after-env): an ARG value replaces an ENV's in RUN
    // and expansion until the next ENV; the config keeps the ENV value
    BuildDefinition d =
        convert("FROM a\nARG X=arg\nENV X=env\nRUN one\nARG X=again\nENV Y=$X\nRUN two\n");
    ExecOp two = exec(d.root());
    assertThat(envOf(exec(two.rootfs()), "X")).isEqualTo("env");
    assertThat(two.env()).filteredOn(e -> e.startsWith("X=")).containsExactly("X=again");
    assertThat(d.image().config().envValue("Y")).isEqualTo("again");
    assertThat(d.image().config().envValue("X")).isEqualTo("env");
  }

  @Test
  void anArgRedeclaredWithoutValueKeepsTheValueItHas() {
    BuildDefinition d = convert("FROM a\nARG A=one\nARG A\nENV E=$A\nRUN r\n");
    assertThat(envOf(exec(d.root()), "A")).isEqualTo("one");
    assertThat(d.image().config().envValue("E")).isEqualTo("one");
  }

  @Test
  void argsAndTheirValuesAreInheritedThroughFromStage() {
    // differential cases arg/inherited-*: BuildKit's stage FROM another starts with its ARGs
    BuildDefinition d =
        DockerfileFrontend.convert(
            request("FROM a AS base\nARG A=x\nARG B\nFROM base AS mid\nFROM mid\nRUN r\n")
                .buildArg("B", "cli")
                .build());
    ExecOp r = exec(d.root());
    assertThat(envOf(r, "A")).isEqualTo("x");
    assertThat(envOf(r, "B")).isEqualTo("cli");
    assertThat(d.image().config().envValue("A")).isNull();
    assertThat(d.image().history())
        .extracting(HistoryEntry::createdBy)
        .contains("RUN |2 A=x B=cli /bin/sh -c r # buildkit");
  }

  @Test
  void anInheritedArgLosesToTheConfigsEnvOfTheSameName() {
    BuildDefinition d =
        convert("FROM a AS base\nENV A=env\nARG A=arg\nRUN one\nFROM base\nRUN two\n");
    ExecOp two = exec(d.root());
    assertThat(envOf(two, "A")).isEqualTo("env");
    assertThat(envOf(exec(two.rootfs()), "A")).isEqualTo("arg");
  }

  @Test
  void aTriggerExpandsWithTheArgsTheChildInherits() {
    BuildDefinition d = convert("FROM a AS p\nARG A=pa\nONBUILD LABEL a=$A\nFROM p\n");
    assertThat(d.image().config().labels()).containsEntry("a", "pa");
  }

  @Test
  void variablesInFromReferencesAreRefusedInEveryStage() {
    // BuildKit links stages before ARGs have values: differential cases expand/*copy-from*
    for (String df :
        List.of(
            "FROM a AS s\nFROM a\nARG S=s\nCOPY --from=$S /f /f\n",
            "FROM a AS s\nFROM a\nCOPY --from=${S:-s} /f /f\n",
            "FROM a AS s\nFROM a\nRUN --mount=from=$S,target=/m true\n",
            "FROM a AS unused\nCOPY --from=$S /f /f\nFROM a AS wanted\nRUN true\n")) {
      assertThatThrownBy(
              () ->
                  DockerfileFrontend.convert(
                      request(df).target(df.contains("wanted") ? "wanted" : null).build()))
          .as(df)
          .isInstanceOf(DockerfileException.class)
          .hasMessageContaining("variable expansion is not supported in --")
          .hasMessageContaining("AS <alias>");
    }
    assertThat(convert("FROM a AS s\nFROM a\nRUN --mount=from=s,target=/m true\n").root())
        .isInstanceOf(ExecOp.class);
    // the parser removes quotes from flags before, as BuildKit's does (case
    // expand/copy-from-quoted)
    assertThat(convert("FROM a AS s\nFROM a\nCOPY --from=\"s\" /f /f\n").root())
        .isInstanceOf(FileOp.class);
  }

  @Test
  void platformArgsAreAutomaticOnceDeclared() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request(
                    "FROM --platform=$BUILDPLATFORM a\nRUN before\nARG TARGETARCH\nARG BUILDPLATFORM\nRUN after\n")
                .targetPlatform(ARM64)
                .build());
    ExecOp after = exec(d.root());
    assertThat(envOf(after, "TARGETARCH")).isEqualTo("arm64");
    assertThat(envOf(after, "BUILDPLATFORM")).isEqualTo("linux/amd64");
    assertThat(envOf(exec(after.rootfs()), "TARGETARCH")).isNull();
    assertThat(after.platform()).isEqualTo(AMD64);
  }

  @Test
  void copyFromAStageNameOrIndexReadsTheStageAndAnythingElseIsAnImage() {
    BuildDefinition d =
        convert(
            "FROM a AS Builder\nRUN make\nFROM scratch\nCOPY --from=builder /out /o\nCOPY --from=0 /out /p\nCOPY --from=busybox:1.36 /bin/sh /sh\n");
    FileOp image = (FileOp) d.root();
    FileOp byIndex = (FileOp) image.base();
    FileOp byName = (FileOp) byIndex.base();
    Vertex builder = ((FileAction.Copy) byName.actions().get(0)).source();
    assertThat(builder).isInstanceOf(ExecOp.class);
    assertThat(((FileAction.Copy) byIndex.actions().get(0)).source()).isEqualTo(builder);
    SourceOp.Image img = (SourceOp.Image) ((FileAction.Copy) image.actions().get(0)).source();
    assertThat(img.ref()).isEqualTo("busybox:1.36");
    assertThat(img.resolvedName()).isEqualTo("docker.io/library/busybox:1.36");
    assertThat(byName.base()).isInstanceOf(SourceOp.Scratch.class);
  }

  /** differential stage/copy-from-later-stage. */
  @Test
  void aStageCannotReadALaterOne() {
    for (String df :
        List.of(
            "FROM a AS first\nCOPY --from=second /x /x\nFROM a AS second\nRUN x\n",
            "FROM a AS first\nCOPY --from=1 /x /x\nFROM a AS second\nRUN x\n",
            "FROM a AS first\nRUN --mount=from=second,target=/m true\nFROM a AS second\n")) {
      assertThatThrownBy(() -> DockerfileFrontend.convert(request(df).target("first").build()))
          .isInstanceOf(DockerfileException.class)
          .hasMessageContaining("needs to be defined before the current stage");
    }
  }

  /** differential stage/from-uppercase-reference and stage/name-case-insensitive. */
  @Test
  void fromMatchesTheLowerCasedStageNameAsWritten() {
    BuildDefinition d = convert("FROM a AS Builder\nRUN make\nFROM builder\nRUN more\n");
    assertThat(exec(exec(d.root()).inputs().get(0)).args()).contains("make");
    assertThat(resolved).containsExactly("docker.io/library/a:latest");
    assertThatThrownBy(() -> convert("FROM a AS builder\nRUN make\nFROM BUILDER\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("BUILDER");
  }

  @Test
  void onlyStagesTheTargetNeedsAreConverted() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request(
                    "FROM unused-image\nRUN x\nFROM base-image AS base\nRUN y\nFROM other AS final\nRUN z\n")
                .target("BASE")
                .build());
    assertThat(resolved).containsExactly("docker.io/library/base-image:latest");
    assertThat(Graph.topologicalOrder(d.root())).hasSize(2);
    assertThat(d.root().name()).isEqualTo("[base 2/2] RUN y");
    assertThatThrownBy(
            () -> DockerfileFrontend.convert(request("FROM a AS only\n").target("nope").build()))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("target stage \"nope\" could not be found")
        .hasMessageContaining("only");
  }

  @Test
  void onbuildTriggersOfTheBaseImageRunFirstAndAreConsumed() {
    BuildDefinition d = convert("FROM registry.example:5000/onbuild\nRUN mine\n");
    ExecOp mine = exec(d.root());
    ExecOp triggered = exec(mine.rootfs());
    assertThat(triggered.args()).containsExactly("/bin/sh", "-c", "echo triggered");
    assertThat(envOf(triggered, "TRIGGERED")).isEqualTo("yes");
    assertThat(d.image().config().onBuild()).isEmpty();
    // BuildKit announces every trigger as a step but numbers only those that make a vertex, so
    // the ENV trigger leaves the last step at 3/4; the only stage goes unnamed
    assertThat(d.root().name()).isEqualTo("[3/4] RUN mine");
    assertThat(triggered.name()).isEqualTo("[2/4] ONBUILD RUN echo triggered");
    assertThat(triggered.rootfs().name())
        .isEqualTo("[1/4] FROM registry.example:5000/onbuild:latest");
  }

  @Test
  void onbuildOfAnEarlierStageTriggersInAChildStage() {
    BuildDefinition d = convert("FROM a AS base\nONBUILD RUN trig\nFROM base\nRUN child\n");
    assertThat(exec(exec(d.root()).rootfs()).args()).containsExactly("/bin/sh", "-c", "trig");
  }

  @Test
  void warningsFoundDuringConversionAndTheCheckDirective() {
    BuildDefinition d =
        convert(
            "FROM $NOPE:1 AS x\nFROM --platform=linux/amd64 a\nENV A=$UNDEFINED\nCOPY x$ALSO_UNDEFINED /\n");
    assertThat(d.warnings())
        .extracting(BuildWarning::rule)
        // as BuildKit: every stage's base name is expanded, also one the target does not read
        .contains("UndefinedVar", "FromPlatformFlagConstDisallowed", "UndefinedArgInFrom");
    BuildDefinition skipped =
        convert("# check=skip=UndefinedVar,JSONArgsRecommended\nFROM a\nENV A=$U\nCMD x\n");
    assertThat(skipped.warnings()).isEmpty();
    BuildDefinition all = convert("# check=skip=all\nFROM a\nMAINTAINER x\n");
    assertThat(all.warnings()).isEmpty();
    assertThatThrownBy(() -> convert("# check=error=true\nFROM a\nMAINTAINER x\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("MaintainerDeprecated");
    BuildDefinition from =
        convert("ARG TAG\nFROM a:$TAG$MISSING\n".replace("a:$TAG$MISSING", "a$MISSING"));
    assertThat(from.warnings()).extracting(BuildWarning::rule).contains("UndefinedArgInFrom");
  }

  @Test
  void noCacheMarksTheSelectedStagesVertices() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request("FROM a AS dep\nRUN d\nFROM a AS app\nCOPY --from=dep /x /x\nRUN e\n")
                .noCacheStage("app")
                .build());
    assertThat(d.root().info().ignoreCache()).isTrue();
    Vertex dep = ((FileAction.Copy) ((FileOp) exec(d.root()).rootfs()).actions().get(0)).source();
    assertThat(dep.info().ignoreCache()).isFalse();
    assertThat(d.root().location()).hasValueSatisfying(l -> assertThat(l.startLine()).isEqualTo(5));
  }
}
