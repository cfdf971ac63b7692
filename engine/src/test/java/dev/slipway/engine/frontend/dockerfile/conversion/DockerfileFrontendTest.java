package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conversion semantics: ARG/ENV scoping, stages, COPY/ADD/RUN graphs, config, warnings. */
class DockerfileFrontendTest {

  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");

  private final List<String> resolved = new ArrayList<>();

  private ImageConfig resolve(String ref, Platform p) {
    resolved.add(ref);
    ContainerConfig cfg =
        ContainerConfig.EMPTY
            .withEnv(List.of("PATH=/usr/bin:/bin", "FROM_IMAGE=1"))
            .withCmd(List.of("sh"));
    if (ref.endsWith("/onbuild:latest")) {
      cfg = cfg.withOnBuild(List.of("ENV TRIGGERED=yes", "RUN echo triggered"));
    }
    return new ImageConfig(
        null,
        null,
        p.architecture(),
        p.os(),
        null,
        cfg,
        null,
        List.of(new HistoryEntry(null, "base", null, null, false)));
  }

  private ConvertRequest.Builder request(String dockerfile) {
    return ConvertRequest.builder(dockerfile, this::resolve)
        .targetPlatform(AMD64)
        .buildPlatform(AMD64);
  }

  private BuildDefinition convert(String dockerfile) {
    return DockerfileFrontend.convert(request(dockerfile).build());
  }

  private static ExecOp exec(Vertex v) {
    return (ExecOp) v;
  }

  private static String envOf(ExecOp e, String name) {
    return e.env().stream()
        .filter(s -> s.startsWith(name + "="))
        .map(s -> s.substring(name.length() + 1))
        .reduce((a, b) -> b)
        .orElse(null);
  }

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
  void envShadowsArgOfTheSameName() {
    BuildDefinition d = convert("FROM a\nARG X=arg\nENV X=env\nARG X=again\nENV Y=$X\nRUN echo\n");
    ExecOp run = exec(d.root());
    assertThat(envOf(run, "X")).isEqualTo("env");
    assertThat(d.image().config().envValue("Y")).isEqualTo("env");
  }

  @Test
  void envInOneInstructionSeesOldValuesAndPathChangesReachRun() {
    BuildDefinition d = convert("FROM a\nENV X=old\nENV X=new Y=$X PATH=/opt:$PATH\nRUN t\n");
    assertThat(d.image().config().env())
        .containsExactly("PATH=/opt:/usr/bin:/bin", "FROM_IMAGE=1", "X=new", "Y=old");
    assertThat(envOf(exec(d.root()), "PATH")).isEqualTo("/opt:/usr/bin:/bin");
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
    assertThat(d.totalSteps()).isEqualTo(2);
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
  void stepNamesAreTheInstructionAsWrittenWithFlagsAndVariablesExpandedLikeBuildKit() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request(
                    "FROM a AS build\n"
                        + "RUN make\n"
                        + "FROM b\n"
                        + "ARG OWNER\n"
                        + "ENV DIR=/srv\n"
                        + "COPY --chown=$OWNER --from=build /a $DIR/b\n"
                        + "add --chmod=755 run.sh \"$DIR/\"\n"
                        + "WORKDIR $DIR/app\n"
                        + "run --mount=type=secret,id=token,required=true --mount=type=ssh \\\n"
                        + "  test -f /x && echo \"$DIR\" '$DIR' $HOME ${NOPE:-d}\n"
                        + "RUN --mount=type=secret,id=api,env=API_KEY --network=none"
                        + " curl -H \"k: $API_KEY\" x\n"
                        + "RUN [\"echo\", \"$DIR\"]\n"
                        + "RUN <<EOF\necho one\necho two\nEOF\n")
                .buildArgs(Map.of("OWNER", "1:1"))
                .build());
    List<String> names =
        Graph.topologicalOrder(d.root()).stream()
            .map(Vertex::name)
            .filter(n -> n.startsWith("[stage-1 ") && !n.contains("FROM"))
            .toList();
    assertThat(names)
        .containsExactly(
            "[stage-1 2/8] COPY --chown=1:1 --from=build /a /srv/b",
            "[stage-1 3/8] ADD --chmod=755 run.sh /srv/",
            "[stage-1 4/8] WORKDIR /srv/app",
            "[stage-1 5/8] RUN --mount=type=secret,id=token,required=true --mount=type=ssh"
                + "   test -f /x && echo \"/srv\" '$DIR' $HOME ${NOPE:-d}",
            "[stage-1 6/8] RUN --mount=type=secret,id=api,env=API_KEY --network=none"
                + " curl -H \"k: ****\" x",
            "[stage-1 7/8] RUN [\"echo\", \"/srv\"]",
            "[stage-1 8/8] RUN <<EOF (echo one...)");
    ExecOp json = exec(exec(d.root()).rootfs());
    assertThat(json.args()).as("the name is display only").containsExactly("echo", "$DIR");
  }

  @Test
  void stepPrefixesNameTheStageOnlyWhenTheBuildHasSeveralLikeBuildKit() {
    assertThat(names("FROM a AS build\nENV X=1\nRUN make\nCOPY f /f\n"))
        .as("the only stage goes unnamed, even when named")
        .containsExactly(
            "[1/3] FROM docker.io/library/a:latest", "[2/3] RUN make", "[3/3] COPY f /f");
    assertThat(
            names("FROM a AS build\nRUN make\nFROM build\nRUN test\nFROM b\nCOPY --from=1 /x /x\n"))
        .as("a stage built on another announces no FROM")
        .containsExactlyInAnyOrder(
            "[build 1/2] FROM docker.io/library/a:latest",
            "[build 2/2] RUN make",
            "[stage-1 1/1] RUN test",
            "[stage-2 1/2] FROM docker.io/library/b:latest",
            "[stage-2 2/2] COPY --from=1 /x /x");
    assertThat(names("FROM a\nRUN --mount=type=cache,target=/c make\n"))
        .as("BuildKit counts the scratch a cache mount starts from as a stage")
        .containsExactly(
            "[stage-0 1/2] FROM docker.io/library/a:latest",
            "[stage-0 2/2] RUN --mount=type=cache,target=/c make");
    assertThat(names("FROM a\nCOPY --from=b /x /x\n"))
        .as("and an image COPY --from reads")
        .contains("[stage-0 2/2] COPY --from=b /x /x");
    assertThat(names("FROM a\nRUN --mount=type=tmpfs,target=/t --mount=type=bind,target=/s true\n"))
        .contains("[2/2] RUN --mount=type=tmpfs,target=/t --mount=type=bind,target=/s true");
  }

  @Test
  void stepNumbersCountOnlyInstructionsThatMakeAVertexPaddedToTheTotalsWidth() {
    StringBuilder df = new StringBuilder("FROM a\nWORKDIR /\nENV A=1\nLABEL l=1\n");
    for (int i = 1; i <= 10; i++) {
      df.append("RUN s").append(i).append('\n');
    }
    List<String> names = names(df.toString());
    assertThat(names)
        .as("WORKDIR / counts toward the total but makes no step")
        .startsWith("[ 1/12] FROM docker.io/library/a:latest", "[ 2/12] RUN s1")
        .endsWith("[10/12] RUN s9", "[11/12] RUN s10")
        .hasSize(11);
  }

  /** The names of the steps a Dockerfile's graph makes, in build order. */
  private List<String> names(String dockerfile) {
    return Graph.topologicalOrder(convert(dockerfile).root()).stream()
        .map(Vertex::name)
        .filter(n -> n.startsWith("["))
        .filter(n -> !n.startsWith("[internal]"))
        .toList();
  }

  @Test
  void onbuildOfAnEarlierStageTriggersInAChildStage() {
    BuildDefinition d = convert("FROM a AS base\nONBUILD RUN trig\nFROM base\nRUN child\n");
    assertThat(exec(exec(d.root()).rootfs()).args()).containsExactly("/bin/sh", "-c", "trig");
  }

  @Test
  void copyReadsOnlyItsSourcesFromTheContextMinusIgnoredFiles() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request("FROM a\nWORKDIR /app\nCOPY --exclude=*.md src/ pkg/*.json ./\n")
                .ignorePatterns(List.of("**/*.log", "!keep.log"))
                .build());
    FileOp copy = (FileOp) d.root();
    FileAction.Copy first = (FileAction.Copy) copy.actions().get(0);
    SourceOp.Context ctx = (SourceOp.Context) first.source();
    assertThat(ctx.includePatterns()).containsExactly("src", "pkg/*.json");
    assertThat(ctx.excludePatterns()).containsExactly("**/*.log", "!keep.log", "*.md");
    assertThat(first.sourcePaths()).containsExactly("/src");
    assertThat(first.dest()).isEqualTo("/app/");
    assertThat(first.allowWildcard()).isTrue();
    assertThat(first.excludes()).containsExactly("*.md");
    assertThat(((FileAction.Copy) copy.actions().get(1)).sourcePaths())
        .containsExactly("/pkg/*.json");
    FileOp workdir = (FileOp) copy.base();
    assertThat(workdir.actions())
        .containsExactly(new FileAction.Mkdir("/app", 0755, null, null, true));
  }

  @Test
  void copyLinkBuildsOnScratchAndMerges() {
    BuildDefinition d = convert("FROM a\nCOPY --link --chown=app:grp --chmod=0640 f /f\n");
    MergeOp merge = (MergeOp) d.root();
    assertThat(merge.inputs().get(0)).isInstanceOf(SourceOp.Image.class);
    FileOp layer = (FileOp) merge.inputs().get(1);
    assertThat(layer.base()).isInstanceOf(SourceOp.Scratch.class);
    FileAction.Copy c = (FileAction.Copy) layer.actions().get(0);
    assertThat(c.chownUser()).isEqualTo("app");
    assertThat(c.chownGroup()).isEqualTo("grp");
    assertThat(c.chmod()).isEqualTo("0640");
    assertThat(layer.name()).isEqualTo("[2/2] COPY --link --chown=app:grp --chmod=0640 f /f");
    assertThat(merge.name()).isEqualTo("[2/2] LINK COPY --link --chown=app:grp --chmod=0640 f /f");
  }

  @Test
  void addDownloadsUrlsClonesGitAndUnpacksLocalArchives() {
    BuildDefinition d =
        convert(
            "FROM a\nADD --checksum=sha256:0123 https://h.example/x/file.tgz /d/\nADD https://h.example/r.git#v1:sub /src\nADD app.tar.gz /opt/\n");
    FileOp local = (FileOp) d.root();
    assertThat(((FileAction.Copy) local.actions().get(0)).attemptUnpack()).isTrue();
    FileOp git = (FileOp) local.base();
    SourceOp.Git g = (SourceOp.Git) ((FileAction.Copy) git.actions().get(0)).source();
    assertThat(g.url()).isEqualTo("https://h.example/r.git");
    assertThat(g.ref()).isEqualTo("v1");
    assertThat(g.subdir()).isEqualTo("sub");
    FileOp http = (FileOp) git.base();
    FileAction.Copy hc = (FileAction.Copy) http.actions().get(0);
    SourceOp.Http h = (SourceOp.Http) hc.source();
    assertThat(h.filename()).isEqualTo("file.tgz");
    assertThat(h.checksum()).isEqualTo("sha256:0123");
    assertThat(hc.attemptUnpack()).isFalse();
    assertThatThrownBy(() -> convert("FROM a\nCOPY https://h.example/f /f\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("URL for COPY");
    assertThatThrownBy(() -> convert("FROM a\nADD --checksum=sha256:1 local /f\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("--checksum");
  }

  @Test
  void heredocCopyExpandsUnlessTheDelimiterIsQuoted() {
    BuildDefinition d =
        convert(
            "FROM a\nARG NAME=world\nCOPY <<EOT /expanded\nhi $NAME\nEOT\nCOPY <<'EOT' /literal\nhi $NAME\nEOT\n");
    FileOp literal = (FileOp) d.root();
    FileOp expanded = (FileOp) literal.base();
    assertThat(mkfile(expanded).data()).isEqualTo("hi world\n");
    assertThat(mkfile(literal).data()).isEqualTo("hi $NAME\n");
    assertThat(((FileAction.Copy) expanded.actions().get(0)).dest()).isEqualTo("/expanded");
  }

  private static FileAction.Mkfile mkfile(FileOp op) {
    FileOp file = (FileOp) ((FileAction.Copy) op.actions().get(0)).source();
    return (FileAction.Mkfile) file.actions().get(0);
  }

  @Test
  void runHeredocsBecomeScriptsOrShellInput() {
    BuildDefinition d =
        convert(
            "FROM a\nRUN <<EOT\necho 1\nEOT\nRUN <<EOT\n#!/bin/bash\necho 2\nEOT\nRUN cat <<EOT > /f\nx\nEOT\n");
    ExecOp stdin = exec(d.root());
    assertThat(stdin.args()).containsExactly("/bin/sh", "-c", "cat <<EOT > /f\nx\nEOT");
    ExecOp shebang = exec(stdin.rootfs());
    assertThat(shebang.args()).containsExactly("/dev/pipes/EOT");
    assertThat(shebang.mounts())
        .singleElement()
        .satisfies(m -> assertThat(m.target()).isEqualTo("/dev/pipes"));
    ExecOp plain = exec(shebang.rootfs());
    assertThat(plain.args()).containsExactly("/bin/sh", "-c", "echo 1\n");
  }

  @Test
  void runMountsNetworkAndSecurity() {
    BuildDefinition d =
        convert(
            "FROM a AS dep\nFROM a\nWORKDIR /w\nARG CACHE=/root/.cache\nRUN --mount=type=cache,target=$CACHE,sharing=locked --mount=type=secret,id=tok,env=TOKEN"
                + " --mount=type=bind,from=dep,source=/out,target=rel --mount=type=ssh --mount=type=tmpfs,target=/t,size=10m"
                + " --mount=type=secret,target=/run/s/key --network=host --security=insecure make\n");
    ExecOp run = exec(d.root());
    assertThat(run.network()).isEqualTo(ExecOp.NetworkMode.HOST);
    assertThat(run.security()).isEqualTo(ExecOp.SecurityMode.INSECURE);
    assertThat(run.cwd()).isEqualTo("/w");
    List<ExecOp.Mount> m = run.mounts();
    assertThat(m.get(0).type()).isEqualTo(ExecOp.MountType.CACHE);
    assertThat(m.get(0).target()).isEqualTo("/root/.cache");
    assertThat(m.get(0).cacheId()).isEqualTo("/root/.cache");
    assertThat(m.get(0).sharing()).isEqualTo(ExecOp.CacheSharing.LOCKED);
    assertThat(m.get(0).mode()).isEqualTo(0755);
    assertThat(m.get(1).id()).isEqualTo("tok");
    assertThat(m.get(1).envName()).isEqualTo("TOKEN");
    assertThat(m.get(1).target()).isNull();
    assertThat(m.get(2).target()).isEqualTo("/w/rel");
    assertThat(m.get(2).readonly()).isTrue();
    assertThat(m.get(2).source()).isInstanceOf(SourceOp.Image.class);
    assertThat(m.get(2).sourcePath()).isEqualTo("/out");
    assertThat(m.get(3).id()).isEqualTo("default");
    assertThat(m.get(3).target()).isEqualTo("/run/buildkit/ssh_agent.0");
    assertThat(m.get(4).sizeBytes()).isEqualTo(10L << 20);
    assertThat(m.get(5).id()).isEqualTo("key");
    assertThat(m.get(5).mode()).isEqualTo(0400);
    assertThatThrownBy(() -> convert("FROM a\nRUN --mount=type=bogus,target=/x true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("unsupported mount type");
    assertThatThrownBy(() -> convert("FROM a\nRUN --mount=type=cache,target=/x,color=red true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("unexpected key 'color'");
    assertThatThrownBy(() -> convert("FROM a\nRUN --network=bridge true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("network");
  }

  @Test
  void metadataInstructionsSetTheConfigAndEmptyHistory() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request(
                    "FROM a\nUSER 1:2\nEXPOSE 80 53/udp 8000-8001\nVOLUME [\"/data\"]\nSTOPSIGNAL SIGINT\n"
                        + "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=1s --start-interval=500ms --retries=3 CMD [\"check\"]\n"
                        + "SHELL [\"/bin/bash\", \"-c\"]\nCMD run it\nENTRYPOINT [\"/e\"]\nLABEL a=1\nMAINTAINER me\n")
                .label("extra", "yes")
                .build());
    ContainerConfig c = d.image().config();
    assertThat(c.user()).isEqualTo("1:2");
    assertThat(c.exposedPorts()).containsOnlyKeys("80/tcp", "53/udp", "8000/tcp", "8001/tcp");
    assertThat(c.volumes()).containsOnlyKeys("/data");
    assertThat(c.stopSignal()).isEqualTo("SIGINT");
    assertThat(c.healthcheck().test()).containsExactly("CMD", "check");
    assertThat(c.healthcheck().intervalNanos()).isEqualTo(30_000_000_000L);
    assertThat(c.healthcheck().timeoutNanos()).isEqualTo(90_000_000_000L);
    assertThat(c.healthcheck().startIntervalNanos()).isEqualTo(500_000_000L);
    assertThat(c.healthcheck().retries()).isEqualTo(3);
    assertThat(c.shell()).containsExactly("/bin/bash", "-c");
    assertThat(c.cmd()).containsExactly("/bin/bash", "-c", "run it");
    assertThat(c.entrypoint()).containsExactly("/e");
    assertThat(c.labels()).isEqualTo(Map.of("a", "1", "extra", "yes"));
    assertThat(d.image().author()).isEqualTo("me");
    assertThat(d.image().history().subList(1, d.image().history().size()))
        .allMatch(HistoryEntry::emptyLayer);
    assertThat(d.root()).isInstanceOf(SourceOp.Image.class);
  }

  @Test
  void invalidValuesAreTypedErrorsAtTheInstruction() {
    String[] bad = {
      "FROM a\nEXPOSE 99999\n",
      "FROM a\nEXPOSE 80/xyz\n",
      "FROM a\nSTOPSIGNAL SIGNOPE\n",
      "FROM a\nHEALTHCHECK --interval=10 CMD x\n",
      "FROM a\nHEALTHCHECK --retries=-1 CMD x\n",
      "FROM a\nCOPY --chmod=99z f /f\n",
      "FROM a\nENV X=${Y:?Y_is_required}\n",
      "FROM a\nVOLUME \"\"\n",
      "FROM Bad_Image\n",
      "FROM --platform=linux a\n",
      "FROM $EMPTY\n",
      "FROM a AS x\nCOPY --from=x /a /b\n",
      "FROM a AS x\nFROM x AS y\nFROM y AS x2\nCOPY --from=7 /a /b\n",
    };
    for (String df : bad) {
      assertThatThrownBy(() -> convert(df))
          .as(df)
          .isInstanceOf(DockerfileException.class)
          .satisfies(e -> assertThat(((DockerfileException) e).position().line()).isGreaterThan(0));
    }
    assertThatThrownBy(() -> convert("FROM a\nENV X=${Y:?Y_is_required}\n"))
        .hasMessage("Dockerfile:2:1: Y: Y_is_required in \"${Y:?Y_is_required}\"");
  }

  @Test
  void workdirIsALayerAndResolvesRelativePaths() {
    BuildDefinition d = convert("FROM a\nUSER app\nWORKDIR rel\nWORKDIR ../x/./y/\n");
    FileOp last = (FileOp) d.root();
    assertThat(last.actions())
        .containsExactly(new FileAction.Mkdir("/x/y", 0755, "app", null, true));
    assertThat(d.image().config().workingDir()).isEqualTo("/x/y");
    assertThat(d.warnings()).extracting(BuildWarning::rule).containsOnlyOnce("WorkdirRelativePath");
  }

  @Test
  void warningsFoundDuringConversionAndTheCheckDirective() {
    BuildDefinition d =
        convert(
            "FROM $NOPE:1 AS x\nFROM --platform=linux/amd64 a\nENV A=$UNDEFINED\nCOPY x$ALSO_UNDEFINED /\n");
    assertThat(d.warnings())
        .extracting(BuildWarning::rule)
        .contains("UndefinedVar", "FromPlatformFlagConstDisallowed")
        .doesNotContain("UndefinedArgInFrom");
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
