package dev.slipway.engine.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.control.v1.Attestations;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.NetworkMode;
import dev.slipway.engine.export.AttestationSubject;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.SourceLocation;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.BuildFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attestation manifest and statements against what BuildKit v0.34.2 wrote for the same
 * Dockerfile ({@code src/test/resources/attest/}: buildctl with {@code attest:sbom} and {@code
 * attest:provenance=mode=max}, captured from the oracle the differential tests run).
 */
class SupplyChainAttestationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Platform AMD64 = new Platform("linux", "amd64", "");
  private static final String ARG_SECRET = "argsecret123";
  private static final String ENV_SECRET = "envsecret456";

  @TempDir Path dir;

  @Test
  void manifestAndIndexEntryHaveBuildKitsShape() throws Exception {
    ContentStore content = ContentStore.open(dir.resolve("content"));
    AttestationSubject subject = subject("max", true);

    List<Descriptor> out = new SupplyChainAttestations(content, "").attest(subject);

    assertThat(out).hasSize(1);
    Descriptor entry = out.get(0);
    JsonNode ourEntry = JSON.readTree(CanonicalJson.write(entry));
    JsonNode theirEntry = resource("buildkit-v0.34.2-index.json").path("manifests").path(1);
    assertThat(paths(ourEntry)).isEqualTo(paths(theirEntry));
    assertThat(entry.platform()).isEqualTo(new Platform("unknown", "unknown", ""));
    assertThat(entry.annotations())
        .containsEntry("vnd.docker.reference.type", "attestation-manifest")
        .containsEntry(
            "vnd.docker.reference.digest", subject.image().descriptor().digest().toString());

    JsonNode manifest = JSON.readTree(content.read(entry.digest()));
    JsonNode theirs = resource("buildkit-v0.34.2-attestation-manifest.json");
    assertThat(paths(manifest)).isEqualTo(paths(theirs));
    for (String field : List.of("mediaType", "artifactType")) {
      assertThat(manifest.path(field)).isEqualTo(theirs.path(field));
    }
    assertThat(manifest.path("config")).isEqualTo(theirs.path("config")); // the empty config
    for (int i = 0; i < 2; i++) {
      assertThat(manifest.path("layers").path(i).path("mediaType"))
          .isEqualTo(theirs.path("layers").path(i).path("mediaType"));
      assertThat(manifest.path("layers").path(i).path("annotations"))
          .isEqualTo(theirs.path("layers").path(i).path("annotations"));
    }
    assertThat(manifest.path("subject").path("digest").asText())
        .isEqualTo(subject.image().descriptor().digest().toString());
  }

  @Test
  void statementsHaveBuildKitsFieldNames() throws Exception {
    ContentStore content = ContentStore.open(dir.resolve("content"));
    Descriptor entry = new SupplyChainAttestations(content, "").attest(subject("max", true)).get(0);
    JsonNode manifest = JSON.readTree(content.read(entry.digest()));
    JsonNode sbom = layer(content, manifest, 0);
    JsonNode provenance = layer(content, manifest, 1);

    JsonNode theirSbom = resource("buildkit-v0.34.2-sbom-statement.json");
    assertThat(names(sbom)).isEqualTo(names(theirSbom));
    assertThat(sbom.path("_type")).isEqualTo(theirSbom.path("_type"));
    assertThat(sbom.path("predicateType")).isEqualTo(theirSbom.path("predicateType"));
    assertThat(sbom.path("predicate").path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
    assertThat(
            sbom.path("predicate")
                .path("packages")
                .path(0)
                .path("externalRefs")
                .path(0)
                .path("referenceLocator")
                .asText())
        .isEqualTo("pkg:deb/debian/libc6@2.36?arch=amd64");

    JsonNode theirs = resource("buildkit-v0.34.2-provenance-max.json");
    assertThat(provenance.path("_type")).isEqualTo(theirs.path("_type"));
    assertThat(provenance.path("predicateType")).isEqualTo(theirs.path("predicateType"));
    for (String at :
        List.of(
            "",
            "/predicate",
            "/predicate/buildDefinition",
            "/predicate/buildDefinition/externalParameters",
            "/predicate/buildDefinition/internalParameters/buildConfig",
            "/predicate/runDetails",
            "/predicate/runDetails/metadata",
            "/predicate/runDetails/metadata/buildkit_completeness")) {
      assertThat(names(provenance.at(at))).as(at).isEqualTo(names(theirs.at(at)));
    }
    // BuildKit's request also carries its frontend's compatibility version and a copy of the
    // args under "root"; neither has a meaning for Slipway.
    Set<String> request =
        new TreeSet<>(names(theirs.at("/predicate/buildDefinition/externalParameters/request")));
    request.removeAll(Set.of("root", "compatibilityVersion"));
    assertThat(names(provenance.at("/predicate/buildDefinition/externalParameters/request")))
        .isEqualTo(request);
    // dockerfileVersion names BuildKit's frontend release: Slipway has none to name.
    assertThat(names(theirs.at("/predicate/buildDefinition/internalParameters")))
        .containsAll(names(provenance.at("/predicate/buildDefinition/internalParameters")))
        .contains("dockerfileVersion");
    JsonNode dep = provenance.at("/predicate/buildDefinition/resolvedDependencies/0");
    assertThat(dep.path("uri").asText())
        .isEqualTo(theirs.at("/predicate/buildDefinition/resolvedDependencies/0/uri").asText());
    assertThat(paths(dep))
        .isEqualTo(paths(theirs.at("/predicate/buildDefinition/resolvedDependencies/0")));
    assertThat(provenance.at("/predicate/buildDefinition/externalParameters/request/secrets"))
        .isEqualTo(theirs.at("/predicate/buildDefinition/externalParameters/request/secrets"));
    assertThat(
            provenance
                .at("/predicate/buildDefinition/externalParameters/request/args/build-arg:GREETING")
                .asText())
        .isEqualTo("hello");
    assertThat(provenance.at("/predicate/runDetails/metadata/invocationId").asText())
        .isEqualTo("b-1");
    for (String at :
        List.of(
            "/predicate/buildDefinition/externalParameters/configSource",
            "/predicate/buildDefinition/internalParameters/buildConfig/llbDefinition/1/op/Op/exec/mounts/0",
            "/predicate/buildDefinition/internalParameters/buildConfig/llbDefinition/1/inputs",
            "/predicate/buildDefinition/internalParameters/buildConfig/llbDefinition/1/op/platform")) {
      assertThat(provenance.at(at)).as(at).isEqualTo(theirs.at(at));
    }
  }

  @Test
  void secretsAndSecretLookingArgsAppearInNoBlob() throws Exception {
    ContentStore content = ContentStore.open(dir.resolve("content"));
    Descriptor entry = new SupplyChainAttestations(content, "").attest(subject("max", true)).get(0);
    String all = new String(content.read(entry.digest()), StandardCharsets.UTF_8);
    JsonNode manifest = JSON.readTree(all);
    StringBuilder blobs = new StringBuilder(all);
    for (JsonNode l : manifest.path("layers")) {
      blobs.append(
          new String(
              content.read(dev.slipway.engine.content.Digest.parse(l.path("digest").asText())),
              StandardCharsets.UTF_8));
    }
    assertThat(blobs.toString())
        .contains("mysecret", "GREETING")
        .doesNotContain(ARG_SECRET)
        .doesNotContain(ENV_SECRET)
        .doesNotContain("MY_TOKEN");
  }

  @Test
  void minModeHasNoArgsNorSteps() throws Exception {
    ContentStore content = ContentStore.open(dir.resolve("content"));
    Descriptor entry =
        new SupplyChainAttestations(content, "pod-a").attest(subject("min", false)).get(0);
    JsonNode manifest = JSON.readTree(content.read(entry.digest()));
    assertThat(manifest.path("layers")).hasSize(1);
    JsonNode provenance = layer(content, manifest, 0);
    JsonNode theirMin = resource("buildkit-v0.34.2-provenance-max.json");
    assertThat(provenance.at("/predicate/buildDefinition/externalParameters/request").has("args"))
        .isFalse();
    assertThat(provenance.at("/predicate/buildDefinition/internalParameters").has("buildConfig"))
        .isFalse();
    assertThat(provenance.at("/predicate/runDetails/builder/id").asText()).isEqualTo("pod-a");
    assertThat(theirMin).isNotNull();
  }

  @Test
  void nothingAskedNothingWrittenAndAnUnknownModeIsRefused() throws Exception {
    ContentStore content = ContentStore.open(dir.resolve("content"));
    SupplyChainAttestations attestations = new SupplyChainAttestations(content, "");
    assertThat(attestations.attest(subject("", false))).isEmpty();
    assertThatThrownBy(() -> attestations.attest(subject("maximum", false)))
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("\"maximum\"")
        .hasMessageContaining("mode=min or mode=max");
  }

  private AttestationSubject subject(String mode, boolean sbom) throws IOException {
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("var/lib/dpkg"));
    Files.writeString(
        rootfs.resolve("var/lib/dpkg/status"),
        "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36\n");
    SolveRequest request =
        SolveRequest.newBuilder()
            .setBuildId("b-1")
            .putBuildArgs("GREETING", "hello")
            .putBuildArgs("MY_TOKEN", ARG_SECRET)
            .addSecretIds("mysecret")
            .addOutputs(Output.newBuilder().setType(OutputType.OUTPUT_TYPE_OCI).setDest("x.tar"))
            .setAttestations(Attestations.newBuilder().setSbom(sbom).setProvenanceMode(mode))
            .build();
    SourceOp.Image base =
        new SourceOp.Image(
            "127.0.0.1:5000/busybox:latest",
            "127.0.0.1:5000/busybox:latest@sha256:" + "f".repeat(64),
            AMD64,
            new VertexInfo("[1/2] FROM busybox", new SourceLocation("Dockerfile", 1, 1), false));
    ExecOp run =
        new ExecOp(
            base,
            List.of("/bin/sh", "-c", "echo \"$GREETING\" > /greet"),
            List.of(
                "PATH=/bin",
                "GREETING=hello",
                "MY_TOKEN=" + ARG_SECRET,
                "COPIED=" + ARG_SECRET,
                "API_KEY=" + ENV_SECRET),
            "/",
            "",
            NetworkMode.DEFAULT,
            ExecOp.SecurityMode.SANDBOX,
            List.of(),
            List.of(
                ExecOp.Mount.secret(
                    "mysecret", "/run/secrets/mysecret", null, false, null, null, null)),
            AMD64,
            new VertexInfo("[2/2] RUN echo", new SourceLocation("Dockerfile", 4, 4), false));
    BaseImagePins pins = new BaseImagePins();
    pins.add(
        new BaseImagePins.Pin("127.0.0.1:5000/busybox:latest", AMD64, "sha256:" + "f".repeat(64)));
    byte[] config = CanonicalJson.write(ImageConfig.scratch(AMD64));
    Manifest manifest = Manifest.oci(Descriptor.of(MediaTypes.OCI_CONFIG, config), List.of());
    Image image =
        new Image(
            Descriptor.of(MediaTypes.OCI_MANIFEST, manifest.toJson()).withPlatform(AMD64),
            manifest,
            ImageConfig.scratch(AMD64));
    return new AttestationSubject(
        request,
        AMD64,
        image,
        rootfs,
        pins,
        new BuildDefinition(run, ImageConfig.scratch(AMD64), List.of()),
        Map.of(),
        Instant.parse("2026-12-06T00:00:00Z"));
  }

  private static JsonNode layer(ContentStore content, JsonNode manifest, int i) throws IOException {
    return JSON.readTree(
        content.read(
            dev.slipway.engine.content.Digest.parse(
                manifest.path("layers").path(i).path("digest").asText())));
  }

  private static JsonNode resource(String name) throws IOException {
    try (InputStream in =
        SupplyChainAttestationsTest.class.getResourceAsStream("/attest/" + name)) {
      return JSON.readTree(in);
    }
  }

  private static Set<String> names(JsonNode node) {
    Set<String> out = new TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Every field path of a document, arrays as [] (their first element only). */
  private static Set<String> paths(JsonNode node) {
    Set<String> out = new TreeSet<>();
    collect(node, "", out);
    return out;
  }

  private static void collect(JsonNode node, String prefix, Set<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        String p = prefix + "/" + e.getKey();
        out.add(p);
        collect(e.getValue(), p, out);
      }
    } else if (node.isArray() && !node.isEmpty()) {
      collect(node.get(0), prefix + "[]", out);
    }
  }
}
