package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.CheckRule;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.image.ImageConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every build check rule: BuildKit's message at BuildKit's line for a Dockerfile that breaks it,
 * nothing for one that does not; and which of the check directive and the BUILDKIT_DOCKERFILE_CHECK
 * build arg decides.
 */
class BuildCheckRulesTest extends ConversionTestSupport {

  private List<BuildWarning> warnings(String dockerfile) {
    return convert(dockerfile).warnings();
  }

  private List<String> rendered(String dockerfile) {
    return warnings(dockerfile).stream()
        .map(w -> w.position().line() + " " + w.rule() + ": " + w.message())
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          StageNameCasing | FROM a AS Build\\nFROM build | FROM a AS build\\nFROM build \
            | 1 StageNameCasing: Stage name 'Build' should be lowercase
          FromAsCasing | FROM a as b | FROM a AS b | 1 FromAsCasing: 'as' and 'FROM' keywords' casing do not match
          NoEmptyContinuation | FROM a\\nRUN a \\\\\\n\\n  b | FROM a\\nRUN a \\\\\\n  b \
            | 4 NoEmptyContinuation: Empty continuation line
          ConsistentInstructionCasing | FROM a\\nRUN a\\nrun b | from a\\nrun a\\nrun b \
            | 3 ConsistentInstructionCasing: Command 'run' should match the case of the command majority (uppercase)
          DuplicateStageName | FROM a AS x\\nFROM a AS x | FROM a AS x\\nFROM a AS y \
            | 2 DuplicateStageName: Duplicate stage name "x", stage names should be unique
          ReservedStageName | FROM a AS context | FROM a AS ctx \
            | 1 ReservedStageName: Stage name should not use the same name as reserved stage "context"
          JSONArgsRecommended | FROM a\\nENTRYPOINT run | FROM a\\nENTRYPOINT ["run"] \
            | 2 JSONArgsRecommended: JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals
          MaintainerDeprecated | FROM a\\nMAINTAINER me | FROM a\\nLABEL org.opencontainers.image.authors=me \
            | 2 MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label
          UndefinedArgInFrom | FROM a$TAG | ARG TAG\\nFROM a$TAG \
            | 1 UndefinedArgInFrom: FROM argument 'TAG' is not declared
          WorkdirRelativePath | FROM a\\nWORKDIR app | FROM a\\nWORKDIR /app \
            | 2 WorkdirRelativePath: Relative workdir "app" can have unexpected results if the base image changes
          UndefinedVar | FROM a\\nENV X=$NOPE | FROM a\\nARG NOPE\\nENV X=$NOPE \
            | 2 UndefinedVar: Usage of undefined variable '$NOPE'
          MultipleInstructionsDisallowed | FROM a\\nCMD ["a"]\\nCMD ["b"] | FROM a\\nCMD ["b"] \
            | 2 MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used
          LegacyKeyValueFormat | FROM a\\nENV k v | FROM a\\nENV k=v \
            | 2 LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format
          RedundantTargetPlatform | FROM --platform=$TARGETPLATFORM a | FROM --platform=$BUILDPLATFORM a \
            | 1 RedundantTargetPlatform: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior
          SecretsUsedInArgOrEnv | FROM a\\nARG API_TOKEN | FROM a\\nARG TOKENIZER \
            | 2 SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG "API_TOKEN")
          FromPlatformFlagConstDisallowed | FROM --platform=linux/amd64 a | FROM --platform=$BUILDPLATFORM a \
            | 1 FromPlatformFlagConstDisallowed: FROM --platform flag should not use constant value "linux/amd64"
          ExposeProtoCasing | FROM a\\nEXPOSE 80/TCP | FROM a\\nEXPOSE 80/tcp \
            | 2 ExposeProtoCasing: Defined protocol '80/TCP' in EXPOSE instruction should be lowercase
          ExposeInvalidFormat | FROM a\\nEXPOSE 127.0.0.1:8080:80 | FROM a\\nEXPOSE 80 \
            | 2 ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:8080:80'
          """)
  void aRuleReportsWhatBuildKitReportsAndNothingOnACleanDockerfile(
      String rule, String broken, String clean, String expected) {
    String brokenText = broken.replace("\\n", "\n").replace("\\\\", "\\") + "\n";
    String cleanText = clean.replace("\\n", "\n").replace("\\\\", "\\") + "\n";
    assertThat(rendered(brokenText)).as(brokenText).contains(expected);
    assertThat(warnings(cleanText))
        .as(cleanText)
        .extracting(BuildWarning::rule)
        .doesNotContain(rule);
    assertThat(CheckRule.named(rule)).as("a rule BuildKit has").isPresent();
  }

  @Test
  void aBaseImageOfAnotherPlatformIsReported() {
    ConvertRequest req =
        ConvertRequest.builder(
                "FROM reg.example/app\n",
                (ref, p) -> new ImageConfig(null, null, "arm64", "linux", null, null, null, null))
            .targetPlatform(AMD64)
            .buildPlatform(AMD64)
            .build();
    assertThat(DockerfileFrontend.convert(req).warnings())
        .extracting(BuildWarning::message)
        .containsExactly(
            "Base image reg.example/app was pulled with platform \"linux/arm64\", expected"
                + " \"linux/amd64\" for current build");
    assertThat(warnings("FROM reg.example/app\n")).isEmpty();
    assertThat(Platform.parse("linux/arm64")).isEqualTo(ARM64);
  }

  @Test
  void aGlobalArgWhoseDefaultMakesNoImageNameIsReportedEvenWhenTheBuildArgDoes() {
    String dockerfile = "ARG IMG\nARG TAG=\nFROM $IMG\nFROM a:$TAG AS t\nFROM a\n";
    BuildDefinition d =
        DockerfileFrontend.convert(
            request(dockerfile).buildArgs(Map.of("IMG", "a", "TAG", "1")).build());
    assertThat(d.warnings())
        .extracting(w -> w.position().line() + " " + w.rule() + ": " + w.message())
        .containsExactly(
            "3 InvalidDefaultArgInFrom: Default value for ARG $IMG results in empty or invalid"
                + " base image name",
            "4 InvalidDefaultArgInFrom: Default value for ARG a:$TAG results in empty or invalid"
                + " base image name");
    assertThat(DockerfileFrontend.convert(request("ARG IMG=a\nFROM $IMG\n").build()).warnings())
        .isEmpty();
  }

  @Test
  void theLaterOfTwoStagesWithOneNameIsTheOneUsed() {
    BuildDefinition d = convert("FROM a AS x\nENV V=one\nFROM a AS x\nENV V=two\nFROM x\n");
    assertThat(d.image().config().env()).contains("V=two");
  }

  @Test
  void exposeKeepsOnlyTheContainerPortOfAMapping() {
    BuildDefinition d = convert("FROM a\nEXPOSE 127.0.0.1:8080:80/udp 9000:90\n");
    assertThat(d.image().config().exposedPorts()).containsOnlyKeys("80/udp", "90/tcp");
  }

  @Test
  void theBuildArgReplacesTheDirectiveAsAWhole() {
    String dockerfile =
        "# check=skip=JSONArgsRecommended;error=true\nFROM a\nCMD x\nMAINTAINER m\n";
    assertThatThrownBy(() -> convert(dockerfile))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("MaintainerDeprecated");
    BuildDefinition overridden =
        DockerfileFrontend.convert(
            request(dockerfile)
                .buildArgs(Map.of("BUILDKIT_DOCKERFILE_CHECK", "skip=MaintainerDeprecated"))
                .build());
    assertThat(overridden.warnings())
        .extracting(BuildWarning::rule)
        .containsExactly("JSONArgsRecommended");
    assertThatThrownBy(
            () ->
                DockerfileFrontend.convert(
                    request("FROM a\n")
                        .buildArgs(Map.of("BUILDKIT_DOCKERFILE_CHECK", "bogus=1"))
                        .build()))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("invalid build arg BUILDKIT_DOCKERFILE_CHECK: option 'bogus'");
  }

  @Test
  void experimentalRulesRunOnlyWhenNamed() {
    String dockerfile = "FROM a\n# the version\nARG VERSION\n";
    assertThat(warnings(dockerfile)).isEmpty();
    assertThat(rendered("# check=experimental=all\n" + dockerfile))
        .containsExactly(
            "4 InvalidDefinitionDescription: Comment for ARG should follow the format: `# VERSION"
                + " <description>`");
    assertThat(
            warnings(
                "# check=experimental=InvalidDefinitionDescription\nFROM a\n# VERSION the v\nARG VERSION\n"))
        .isEmpty();
  }
}
