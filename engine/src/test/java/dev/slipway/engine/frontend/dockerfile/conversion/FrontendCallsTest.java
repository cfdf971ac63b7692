package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@code --call=check|outline|targets}: the JSON and text BuildKit's subrequests answer. */
class FrontendCallsTest extends ConversionTestSupport {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String APP =
      """
      # GO_VERSION the Go release to build with
      ARG GO_VERSION=1.22
      ARG UNUSED=3

      # builder compiles the app
      FROM a AS builder
      # MODE how to build
      ARG MODE=release
      RUN --mount=type=secret,id=npmrc,required=true --mount=type=secret,target=/run/aws \\
          --mount=type=ssh,id=gh --mount=type=cache,target=/c,id=gocache echo $MODE

      FROM a AS unused
      ARG NEVER

      # runtime is the small final image
      FROM a AS runtime
      ARG GO_VERSION
      COPY --from=builder /out /x
      """;

  @Test
  void outlineListsTheArgsSecretsAndSshOfTheStagesTheTargetBuilds() throws Exception {
    CallAnswer a = FrontendCalls.outline(request(APP).build());
    assertThat(a.text())
        .isEqualTo(
            """
            TARGET:      runtime
            DESCRIPTION: is the small final image

            BUILD ARG    VALUE     DESCRIPTION
            GO_VERSION   1.22      the Go release to build with
            MODE         release   how to build

            SECRET   REQUIRED
            npmrc    true
            aws      \n\
            SSH   REQUIRED
            gh    \n\
            """
                .replace("aws      \n", "aws      \n\n")
                .replace("gh    \n", "gh    \n\n"));
    JsonNode json = MAPPER.readTree(a.json());
    assertThat(json.get("name").asText()).isEqualTo("runtime");
    assertThat(json.get("args").findValuesAsText("name")).containsExactly("GO_VERSION", "MODE");
    assertThat(
            json.get("args")
                .get(0)
                .get("location")
                .get("ranges")
                .get(0)
                .get("start")
                .get("line")
                .asInt())
        .isEqualTo(2);
    assertThat(json.get("secrets").get(0).get("required").asBoolean()).isTrue();
    assertThat(json.get("cache").findValuesAsText("ID")).containsExactly("gocache");
    assertThat(a.statusCode()).isZero();
    CallAnswer builder = FrontendCalls.outline(request(APP).target("builder").build());
    assertThat(builder.text()).startsWith("TARGET:      builder\nDESCRIPTION: compiles the app\n");
    assertThat(builder.text()).doesNotContain("GO_VERSION");
  }

  @Test
  void targetsListsTheNamedStagesAndTheDefault() throws Exception {
    CallAnswer a = FrontendCalls.targets(request(APP).build());
    assertThat(a.text())
        .isEqualTo(
            "TARGET            DESCRIPTION\n"
                + "builder           compiles the app\n"
                + "unused            \n"
                + "runtime (default) is the small final image\n");
    JsonNode json = MAPPER.readTree(a.json());
    assertThat(json.get("targets").get(2).get("default").asBoolean()).isTrue();
    assertThat(json.get("targets").get(0).get("base").asText()).isEqualTo("a");
    assertThat(new String(Base64.getDecoder().decode(json.get("sources").get(0).asText())))
        .isEqualTo(APP);
    assertThat(FrontendCalls.targets(request("FROM a\n").build()).text())
        .isEqualTo("TARGET    DESCRIPTION\n(default) \n");
  }

  @Test
  void checkReportsEveryStageInLineOrderWithBuildKitsFields() throws Exception {
    String dockerfile = "FROM a AS x\nENV K=$NOPE\nFROM a\nmaintainer me\nRUN b\n";
    CallAnswer a = FrontendCalls.check(request(dockerfile).build());
    assertThat(a.statusCode()).isEqualTo(1);
    JsonNode json = MAPPER.readTree(a.json());
    assertThat(json.get("warnings").findValuesAsText("ruleName"))
        .containsExactly("UndefinedVar", "MaintainerDeprecated", "ConsistentInstructionCasing");
    JsonNode first = json.get("warnings").get(0);
    assertThat(first.get("description").asText())
        .isEqualTo("Variables should be defined before their use");
    assertThat(first.get("url").asText())
        .isEqualTo("https://docs.docker.com/go/dockerfile/rule/undefined-var/");
    assertThat(first.get("detail").asText()).isEqualTo("Usage of undefined variable '$NOPE'");
    assertThat(json.get("sources").get(0).get("fileName").asText()).isEqualTo("Dockerfile");
    assertThat(a.text())
        .startsWith(
            """

            WARNING: UndefinedVar - https://docs.docker.com/go/dockerfile/rule/undefined-var/
            Usage of undefined variable '$NOPE'
            Dockerfile:2
            --------------------
               1 |     FROM a AS x
               2 | >>> ENV K=$NOPE
               3 |     FROM a
               4 |     maintainer me
            --------------------
            """);
    CallAnswer clean = FrontendCalls.check(request("FROM a\nRUN b\n").build());
    assertThat(clean.statusCode()).isZero();
    assertThat(clean.text()).isEmpty();
    assertThat(MAPPER.readTree(clean.json()).get("warnings")).isEmpty();
  }

  @Test
  void aCheckThatStopsAtAnErrorKeepsTheFindingsBeforeIt() throws Exception {
    CallAnswer a = FrontendCalls.check(request("ARG IMG\nFROM a AS Up\nFROM $IMG\n").build());
    assertThat(a.error()).startsWith("ERROR: base name ($IMG) should not be blank\nDockerfile:3\n");
    JsonNode json = MAPPER.readTree(a.json());
    assertThat(json.get("buildError").get("message").asText())
        .isEqualTo("base name ($IMG) should not be blank");
    assertThat(json.get("warnings").findValuesAsText("ruleName"))
        .containsExactly("StageNameCasing", "InvalidDefaultArgInFrom");
  }
}
