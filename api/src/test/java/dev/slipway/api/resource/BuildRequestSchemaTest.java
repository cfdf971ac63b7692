package dev.slipway.api.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checked-in CRDs refuse bad specs the way `kubectl apply` will, and accept the examples. */
class BuildRequestSchemaTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static CrdSchemaValidator buildRequests;
  private static CrdSchemaValidator builders;

  @BeforeAll
  static void loadCrds() throws Exception {
    buildRequests = CrdSchemaValidator.forCrd(REPO.resolve("crds/buildrequests.slipway.dev.yaml"));
    builders = CrdSchemaValidator.forCrd(REPO.resolve("crds/builders.slipway.dev.yaml"));
  }

  private static final String VALID =
      """
      apiVersion: slipway.dev/v1alpha1
      kind: BuildRequest
      metadata: {name: ok}
      spec:
        builderRef: {name: default}
        context:
          git: {url: "https://git.example.com/app.git"}
        outputs:
          - {type: image, names: ["127.0.0.1:5000/app:1"]}
      """;

  @Test
  void acceptsAMinimalGitBuild() throws Exception {
    assertThat(buildRequests.validate(VALID)).isEmpty();
  }

  @Test
  void refusesTwoContextSources() throws Exception {
    String twoSources =
        VALID.replace(
            "git: {url: \"https://git.example.com/app.git\"}",
            "git: {url: \"https://git.example.com/app.git\"}\n    http: {url: \"https://x/c.tar\"}");
    assertThat(buildRequests.validate(twoSources))
        .containsExactly(
            "$.spec.context: context needs exactly one source: git, http, configMap,"
                + " image or client");
  }

  @Test
  void refusesAContextWithNoSource() throws Exception {
    String none =
        VALID
            .replace("git: {url: \"https://git.example.com/app.git\"}", "{}")
            .replace("context:\n", "context: ");
    assertThat(buildRequests.validate(none))
        .singleElement()
        .asString()
        .contains("exactly one source");
  }

  private static String withBuildContexts(String entries) {
    return VALID.replace("  outputs:", "  buildContexts:\n" + entries + "  outputs:");
  }

  @Test
  void acceptsNamedContextsOfEachRemoteKind() throws Exception {
    assertThat(
            buildRequests.validate(
                withBuildContexts(
                    "    base: {image: \"127.0.0.1:5000/busybox:latest\"}\n"
                        + "    127.0.0.1:5000/tools: {git: \"https://git.example.com/t.git#v1:sub\"}\n"
                        + "    file: {url: \"https://example.com/f.tar\"}\n")))
        .isEmpty();
  }

  @Test
  void refusesANamedContextWithTwoSourcesOrALocalDirectory() throws Exception {
    assertThat(
            buildRequests.validate(
                withBuildContexts("    base: {image: busybox, url: \"https://example.com/f\"}\n")))
        .singleElement()
        .asString()
        .contains("exactly one of image")
        .contains("a local directory cannot be read from a cluster");
    assertThat(buildRequests.validate(withBuildContexts("    base: {client: true}\n")))
        .singleElement()
        .asString()
        .contains("needs a client context");
  }

  @Test
  void refusesANamedContextWhoseNameIsNoImageName() throws Exception {
    for (String name : List.of("Upper", "a..b", "\"a=b\"", "/abs", "\"a b\"")) {
      assertThat(buildRequests.validate(withBuildContexts("    " + name + ": {image: busybox}\n")))
          .as(name)
          .singleElement()
          .asString()
          .contains("buildContexts keys are image names");
    }
  }

  @Test
  void refusesNoOutput() throws Exception {
    String noOutputs = VALID.substring(0, VALID.indexOf("  outputs:"));
    assertThat(buildRequests.validate(noOutputs)).singleElement().asString().contains("outputs");
  }

  @Test
  void refusesAnEmptyOutputList() throws Exception {
    String empty = VALID.substring(0, VALID.indexOf("  outputs:")) + "  outputs: []\n";
    assertThat(buildRequests.validate(empty)).singleElement().asString().contains("outputs");
  }

  @Test
  void refusesAnImageOutputWithoutName() throws Exception {
    String nameless = VALID.replace(", names: [\"127.0.0.1:5000/app:1\"]", "");
    assertThat(buildRequests.validate(nameless))
        .containsExactly("$.spec.outputs[0]: an image output needs at least one name");
  }

  @Test
  void refusesUnknownEnumValuesAndBadRanges() throws Exception {
    String bad = VALID.replace("type: image", "type: zip") + "  retries: 11\n  timeoutSeconds: 0\n";
    List<String> errors = buildRequests.validate(bad);
    assertThat(errors).hasSize(3);
    assertThat(String.join("\n", errors)).contains("type", "retries", "timeoutSeconds");
  }

  @Test
  void refusesClientSecretsWithoutAClientContext() throws Exception {
    String secretWithoutRef = VALID + "  secrets:\n    - id: token\n";
    assertThat(buildRequests.validate(secretWithoutRef))
        .singleElement()
        .asString()
        .contains("need a client context");
  }

  @Test
  void refusesAnArchiveOutputWithNowhereToGo() throws Exception {
    String ociToNowhere =
        VALID.replace(
            "{type: image, names: [\"127.0.0.1:5000/app:1\"]}", "{type: oci, dest: a.tar}");
    assertThat(buildRequests.validate(ociToNowhere))
        .singleElement()
        .asString()
        .contains("need volumeClaimName");
  }

  @Test
  void refusesAMalformedPlatform() throws Exception {
    assertThat(buildRequests.validate(VALID + "  platforms: [\"linux/amd64\", \"linux\"]\n"))
        .singleElement()
        .asString()
        .contains("/spec/platforms/1", "does not match the regex pattern");
  }

  @Test
  void acceptsSeveralPlatformsWithAttestationsAndSigning() throws Exception {
    String multi =
        VALID
            + "  platforms: [linux/amd64, linux/arm64, linux/arm/v7]\n"
            + "  attestations: {sbom: true, provenance: max}\n"
            + "  signing:\n"
            + "    keySecretRef: {name: cosign, key: cosign.key}\n";
    assertThat(buildRequests.validate(multi)).isEmpty();
    for (String mode : List.of("disabled", "min", "max")) {
      assertThat(buildRequests.validate(VALID + "  attestations: {provenance: " + mode + "}\n"))
          .as(mode)
          .isEmpty();
    }
  }

  @Test
  void refusesAPlatformWithUpperCaseOrTooManyParts() throws Exception {
    assertThat(buildRequests.validate(VALID + "  platforms: [Linux/AMD64]\n"))
        .singleElement()
        .asString()
        .contains("/spec/platforms/0", "does not match the regex pattern");
    assertThat(buildRequests.validate(VALID + "  platforms: [linux/arm/v7/x]\n"))
        .singleElement()
        .asString()
        .contains("/spec/platforms/0");
  }

  @Test
  void refusesAProvenanceModeBuildKitDoesNotHave() throws Exception {
    List<String> errors =
        buildRequests.validate(VALID + "  attestations: {sbom: yes-please, provenance: full}\n");
    assertThat(errors).hasSize(2);
    assertThat(String.join("\n", errors)).contains("provenance", "sbom");
  }

  @Test
  void refusesSigningWithoutAKeySecretRef() throws Exception {
    assertThat(buildRequests.validate(VALID + "  signing: {}\n"))
        .singleElement()
        .asString()
        .contains("keySecretRef");
  }

  @Test
  void refusesABuilderEmulatingAMalformedPlatform() throws Exception {
    String builder =
        """
        apiVersion: slipway.dev/v1alpha1
        kind: Builder
        metadata: {name: b}
        spec: {emulatedPlatforms: [linux/arm64, arm64]}
        """;
    assertThat(builders.validate(builder))
        .singleElement()
        .asString()
        .contains("/spec/emulatedPlatforms/1", "does not match the regex pattern");
  }

  @Test
  void acceptsExtraHostsAndTheDefaultNetwork() throws Exception {
    String hosts =
        VALID
            + "  network: default\n"
            + "  extraHosts:\n"
            + "    - {host: db.internal, ip: 10.0.0.7}\n"
            + "    - {host: v6, ip: \"fd00::1\"}\n";
    assertThat(buildRequests.validate(hosts)).isEmpty();
  }

  @Test
  void refusesAnExtraHostThatCouldWriteASecondHostsLine() throws Exception {
    String injected =
        VALID
            + "  extraHosts:\n    - {host: \"db 10.0.0.8 evil\", ip: 10.0.0.7}\n    - {host: x}\n";
    List<String> errors = buildRequests.validate(injected);
    assertThat(String.join("\n", errors)).contains("/spec/extraHosts/0/host", "ip");
  }

  @Test
  void refusesABuilderWithNegativeReplicas() throws Exception {
    String builder =
        """
        apiVersion: slipway.dev/v1alpha1
        kind: Builder
        metadata: {name: b}
        spec: {replicas: -1, network: bridge}
        """;
    assertThat(builders.validate(builder)).hasSize(2);
  }

  private static final String AUTOSCALED =
      """
      apiVersion: slipway.dev/v1alpha1
      kind: Builder
      metadata: {name: b}
      spec:
        autoscaling: {minReplicas: 0, maxReplicas: 3, scaleDownDelay: 1h30m}
      """;

  @Test
  void acceptsAutoscalingFromZero() throws Exception {
    assertThat(builders.validate(AUTOSCALED)).isEmpty();
  }

  @Test
  void refusesAutoscalingWhoseMaximumIsBelowItsMinimum() throws Exception {
    String inverted =
        AUTOSCALED.replace("minReplicas: 0, maxReplicas: 3", "minReplicas: 4, maxReplicas: 3");
    assertThat(builders.validate(inverted))
        .containsExactly(
            "$.spec.autoscaling: autoscaling.maxReplicas must be at least"
                + " autoscaling.minReplicas");
  }

  @Test
  void refusesAScaleDownDelayThatIsNotADuration() throws Exception {
    for (String delay : new String[] {"5", "5 minutes", "1.5h", "\"\""}) {
      String bad = AUTOSCALED.replace("scaleDownDelay: 1h30m", "scaleDownDelay: " + delay);
      assertThat(builders.validate(bad))
          .as(delay)
          .singleElement()
          .asString()
          .contains("/spec/autoscaling/scaleDownDelay");
    }
  }

  @Test
  void refusesAutoscalingWithoutBounds() throws Exception {
    String unbounded = AUTOSCALED.replace("minReplicas: 0, maxReplicas: 3, ", "");
    assertThat(String.join("\n", builders.validate(unbounded)))
        .contains("minReplicas", "maxReplicas");
  }

  @Test
  void acceptsEveryExample() throws Exception {
    try (var examples = Files.list(REPO.resolve("deploy/examples"))) {
      for (Path example : examples.sorted().toList()) {
        String yaml = Files.readString(example);
        CrdSchemaValidator validator = yaml.contains("kind: Builder\n") ? builders : buildRequests;
        assertThat(validator.validate(yaml)).as(example.getFileName().toString()).isEmpty();
      }
    }
  }
}
