package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.Vertex;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Step names and numbers as BuildKit shows them in progress. */
class StepNamesTest extends ConversionTestSupport {

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
}
