package dev.slipway.cli.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.Attestations;
import dev.slipway.cli.usage.UsageException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --attest, --sbom and --provenance read as buildx reads them, into SolveRequest.attestations. */
class AttestFlagsTest {

  private static Optional<Attestations> parse(List<String> attests, String sbom, String prov) {
    return AttestFlags.parse(attests, sbom, prov);
  }

  private static Attestations of(boolean sbom, String mode) {
    return Attestations.newBuilder().setSbom(sbom).setProvenanceMode(mode).build();
  }

  @Test
  void nothingAskedForIsNoAttestationAndNoDefaultProvenance() {
    assertThat(parse(List.of(), null, null)).isEmpty();
    assertThat(parse(List.of(), "", "")).as("--sbom= --provenance= as buildx: unset").isEmpty();
  }

  @ParameterizedTest(name = "[{index}] --sbom={0} --provenance={1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "true  | -          | true  | ''",
        "1     | -          | true  | ''",
        "-     | true       | false | min",
        "-     | T          | false | min",
        "-     | mode=min   | false | min",
        "-     | mode=max   | false | max",
        "-     | mode=MAX   | false | max",
        "true  | mode=max   | true  | max",
        "TRUE  | false      | true  | ''",
      })
  void theShorthandsTakeBuildxsValues(
      String sbom, String provenance, boolean withSbom, String mode) {
    assertThat(parse(List.of(), sbom, provenance)).contains(of(withSbom, mode));
  }

  @Test
  void theShorthandsCanDisableEverything() {
    assertThat(parse(List.of(), "false", "false")).isEmpty();
    assertThat(parse(List.of(), "0", "F")).isEmpty();
  }

  @Test
  void attestTakesTypeModeAndDisabled() {
    assertThat(parse(List.of("type=sbom"), null, null)).contains(of(true, ""));
    assertThat(parse(List.of("type=provenance"), null, null))
        .as("BuildKit's default mode")
        .contains(of(false, "min"));
    assertThat(parse(List.of("type=provenance,mode=max", "type=sbom"), null, null))
        .contains(of(true, "max"));
    assertThat(parse(List.of("TYPE=provenance,Mode=max"), null, null))
        .as("keys are case-insensitive, as in buildx")
        .contains(of(false, "max"));
    assertThat(parse(List.of("type=provenance,disabled=true", "type=sbom"), null, null))
        .contains(of(true, ""));
    assertThat(parse(List.of("type=sbom,disabled=true"), null, "mode=max"))
        .contains(of(false, "max"));
  }

  @ParameterizedTest(name = "[{index}] {0} / --sbom={1} / --provenance={2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "type=sbom                | true     | -        | duplicate attestation field sbom",
        "type=provenance          | -        | mode=max | duplicate attestation field provenance",
        "mode=max                 | -        | -        | attestation type not specified",
        "type=spdx                | -        | -        | unknown attestation type spdx",
        "type=provenance,mode=all | -        | -        | invalid provenance mode all",
        "type=sbom,mode=max       | -        | -        | mode is an attribute of type=provenance",
        "type=sbom,generator=x/y  | -        | -        | the attribute generator is not supported",
        "type=sbom,disabled=maybe | -        | -        | invalid value disabled=maybe",
        "type=sbom,scan-stage     | -        | -        | invalid value scan-stage",
        "-                        | maybe    | -        | --sbom=maybe",
        "-                        | -        | mode=huge | invalid provenance mode huge",
        "-                        | -        | version=v1 | the attribute version is not supported",
      })
  void badValuesAreUsageErrorsNamingTheFlag(
      String attest, String sbom, String provenance, String message) {
    List<String> attests = attest == null ? List.of() : List.of(attest);
    assertThatThrownBy(() -> parse(attests, sbom, provenance))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aDuplicateNamesBothFlags() {
    assertThatThrownBy(() -> parse(List.of("type=provenance"), null, "true"))
        .hasMessageContaining("--attest type=provenance and --provenance=true");
  }
}
