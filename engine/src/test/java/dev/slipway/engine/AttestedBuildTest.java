package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.control.v1.Attestations;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.testing.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Debian-based build with {@code --sbom} and {@code --provenance=mode=max}: the OCI archive's
 * index holds the attestation manifest as BuildKit stores it, the SBOM lists exactly the packages
 * {@code dpkg-query -W} shows in a RUN step of the same build, and neither the secret mounted in
 * that step nor a build argument named like a secret appears in any attestation blob.
 */
class AttestedBuildTest {
  private static final String BASE = "slipway.test/debian:bookworm-minbase";
  private static final String SECRET = "mounted-secret-f00d";
  private static final String ARG_SECRET = "arg-secret-beef";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @Test
  void sbomAndProvenanceOfADebianImage() throws Exception {
    DebianMinbase.importInto(state, BASE);
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM %s
        ARG GREETING=hi
        ARG DB_PASSWORD
        RUN --mount=type=secret,id=token dpkg-query -W > /dpkg-list \\
            && wc -c < /run/secrets/token > /token-length && echo "$GREETING" > /greeting
        """
            .formatted(BASE));
    Path secret = out.resolve("token");
    Files.writeString(secret, SECRET);
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession session =
            LocalSession.builder()
                .context("context", context)
                .secretFile("token", secret)
                .build()) {
      TestBuild.run(
          engine,
          session,
          TestBuild.request()
              .putBuildArgs("GREETING", "hello")
              .putBuildArgs("DB_PASSWORD", ARG_SECRET)
              .addSecretIds("token")
              .setAttestations(Attestations.newBuilder().setSbom(true).setProvenanceMode("max"))
              .addOutputs(TestBuild.oci(out.resolve("image.tar")))
              .build());
    }
    Path layout = Files.createDirectories(out.resolve("layout"));
    Command.of("tar", "-xf", out.resolve("image.tar").toString(), "-C", layout.toString()).output();

    JsonNode top = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode index = blob(layout, top.path("manifests").path(0).path("digest").asText());
    assertThat(index.path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.index.v1+json");
    JsonNode image = index.path("manifests").path(0);
    JsonNode entry = index.path("manifests").path(1);
    assertThat(entry.path("platform").path("os").asText()).isEqualTo("unknown");
    assertThat(entry.path("platform").path("architecture").asText()).isEqualTo("unknown");
    assertThat(entry.path("annotations").path("vnd.docker.reference.type").asText())
        .isEqualTo("attestation-manifest");
    assertThat(entry.path("annotations").path("vnd.docker.reference.digest").asText())
        .isEqualTo(image.path("digest").asText());

    JsonNode attestation = blob(layout, entry.path("digest").asText());
    assertThat(attestation.path("artifactType").asText())
        .isEqualTo("application/vnd.docker.attestation.manifest.v1+json");
    assertThat(attestation.path("subject").path("digest")).isEqualTo(image.path("digest"));
    List<String> predicates = new ArrayList<>();
    StringBuilder everything = new StringBuilder(attestation.toString());
    for (JsonNode layer : attestation.path("layers")) {
      assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.in-toto+json");
      predicates.add(layer.path("annotations").path("in-toto.io/predicate-type").asText());
      everything.append(raw(layout, layer.path("digest").asText()));
    }
    assertThat(predicates)
        .containsExactly("https://spdx.dev/Document", "https://slsa.dev/provenance/v1");
    assertThat(everything.toString())
        .doesNotContain(SECRET)
        .doesNotContain(ARG_SECRET)
        .contains("\"build-arg:GREETING\":\"hello\"")
        .contains("\"id\":\"token\"");

    // what dpkg-query -W printed in the build, read from the image's own layers
    Path rootfs = Files.createDirectories(out.resolve("rootfs"));
    for (JsonNode layer : blob(layout, image.path("digest").asText()).path("layers")) {
      Command.of(
              "tar",
              "-xf",
              blobPath(layout, layer.path("digest").asText()).toString(),
              "-C",
              rootfs.toString())
          .output();
    }
    List<String> dpkg =
        Files.readAllLines(rootfs.resolve("dpkg-list")).stream()
            .filter(l -> !l.isBlank())
            .map(l -> l.split("\t", 2))
            // ${binary:Package} adds :ARCH to Multi-Arch: same packages; the purl carries it
            .map(f -> f[0].replaceFirst(":.*", "") + " " + f[1])
            .sorted()
            .toList();
    JsonNode sbom =
        JSON.readTree(raw(layout, attestation.path("layers").path(0).path("digest").asText()));
    List<String> listed = new ArrayList<>();
    for (JsonNode p : sbom.path("predicate").path("packages")) {
      if (p.path("externalRefs").path(0).path("referenceLocator").asText().startsWith("pkg:deb/")) {
        listed.add(p.path("name").asText() + " " + p.path("versionInfo").asText());
      }
    }
    assertThat(dpkg).hasSizeGreaterThan(50);
    assertThat(listed.stream().sorted().toList()).isEqualTo(dpkg);
  }

  /** Two platforms: each platform image gets its own attestation manifest, after all images. */
  @Test
  void eachPlatformImageHasItsOwnAttestationManifest() throws Exception {
    assertThat(dev.slipway.testing.MultiArchBusybox.available())
        .as("QEMU user emulation for arm64")
        .isTrue();
    dev.slipway.testing.MultiArchBusybox.pushTo("127.0.0.1:5000");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM " + dev.slipway.testing.MultiArchBusybox.INDEX + "\nLABEL attested=yes\n");
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      TestBuild.run(
          engine,
          context,
          TestBuild.request()
              .addPlatforms("linux/amd64")
              .addPlatforms("linux/arm64")
              .setAttestations(Attestations.newBuilder().setProvenanceMode("min"))
              .addOutputs(TestBuild.oci(out.resolve("multi.tar")))
              .build());
    }
    Path layout = Files.createDirectories(out.resolve("multi"));
    Command.of("tar", "-xf", out.resolve("multi.tar").toString(), "-C", layout.toString()).output();
    JsonNode top = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode entries =
        blob(layout, top.path("manifests").path(0).path("digest").asText()).path("manifests");

    assertThat(entries).hasSize(4);
    for (int i = 0; i < 2; i++) {
      JsonNode image = entries.path(i);
      JsonNode attestation = entries.path(i + 2);
      assertThat(attestation.path("annotations").path("vnd.docker.reference.digest").asText())
          .isEqualTo(image.path("digest").asText());
      JsonNode manifest = blob(layout, attestation.path("digest").asText());
      JsonNode provenance = blob(layout, manifest.path("layers").path(0).path("digest").asText());
      String platform =
          image.path("platform").path("os").asText()
              + "/"
              + image.path("platform").path("architecture").asText();
      assertThat(
              provenance
                  .at("/predicate/buildDefinition/internalParameters/targetPlatform")
                  .asText())
          .isEqualTo(platform);
      assertThat(provenance.at("/predicate/buildDefinition/resolvedDependencies/0/uri").asText())
          .endsWith("?platform=" + platform.replace("/", "%2F"));
    }
    assertThat(entries.path(0).path("platform").path("architecture").asText()).isEqualTo("amd64");
    assertThat(entries.path(1).path("platform").path("architecture").asText()).isEqualTo("arm64");
  }

  private static Path blobPath(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static JsonNode blob(Path layout, String digest) throws IOException {
    return JSON.readTree(blobPath(layout, digest).toFile());
  }

  private static String raw(Path layout, String digest) throws IOException {
    return Files.readString(blobPath(layout, digest), StandardCharsets.UTF_8);
  }
}
