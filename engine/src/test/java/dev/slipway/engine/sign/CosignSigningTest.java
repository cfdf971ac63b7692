package dev.slipway.engine.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.TestBuild;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.testing.Command;
import dev.slipway.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images the engine builds, pushes and signs, checked by the real cosign ({@code cosign verify
 * --key}): accepted with the signer's public key, refused with another key and for a tampered
 * payload.
 */
class CosignSigningTest {
  static final String KEY_ID = "signing-key";
  @TempDir static Path tmp;
  static TestRegistry registry;
  static Engine engine;
  static Cosign cosign;
  static TestKeys keys;
  static TestKeys otherKeys;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(TestRegistry.available(), "needs Debian's docker-registry");
    cosign = Cosign.built(tmp.resolve("cosign-home"));
    registry = TestRegistry.anonymous(tmp.resolve("reg"));
    engine = Engine.open(EngineConfig.defaults(tmp.resolve("state")));
    keys = TestKeys.make(tmp, "signer");
    otherKeys = TestKeys.make(tmp, "other");
  }

  @AfterAll
  static void stop() throws Exception {
    if (engine != null) {
      engine.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** Builds a FROM scratch image of {@code content} and pushes it to {@code name}, signed. */
  static TestBuild.Recorded buildSigned(String name, String content, Path key)
      throws BuildFailedException, Exception {
    Path context = tmp.resolve("ctx-" + UUID.randomUUID());
    Files.createDirectories(context);
    Files.writeString(context.resolve("file"), content);
    SolveRequest request =
        TestBuild.request()
            .setDockerfile(DockerfileSource.newBuilder().setInline("FROM scratch\nCOPY file /\n"))
            .putBuildArgs("SOURCE_DATE_EPOCH", "0")
            .setSigningKeySecretId(KEY_ID)
            .addOutputs(
                Output.newBuilder()
                    .setType(OutputType.OUTPUT_TYPE_IMAGE)
                    .addNames(name)
                    .setPush(true))
            .build();
    try (LocalSession session =
        LocalSession.builder().context("context", context).secretFile(KEY_ID, key).build()) {
      return TestBuild.run(engine, session, request);
    }
  }

  static String repository(String name) {
    ImageName n = ImageName.parse(name);
    return n.registry() + "/" + n.repository();
  }

  @Test
  void cosignVerifiesThePushedImageWithTheSignersKeyOnly() throws Exception {
    String name = registry.host() + "/signed:1";
    TestBuild.Recorded build = buildSigned(name, "signed", keys.sec1());
    String digest = build.result().getImageDigest();
    String byDigest = repository(name) + "@" + digest;
    assertThat(build.result().getSignaturesList())
        .singleElement()
        .asString()
        .matches(
            repository(name) + ":sha256-" + digest.substring(7) + "\\.sig@sha256:[0-9a-f]{64}");
    Command.Result ok = cosign.verify(keys.publicKey(), byDigest);
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stdout()).contains("\"docker-manifest-digest\":\"" + digest + "\"");
    Command.Result other = cosign.verify(otherKeys.publicKey(), byDigest);
    assertThat(other.exitCode()).as(other.stdout()).isNotZero();
    assertThat(other.stderr()).contains("no matching signatures");
    // the payload is byte for byte what cosign itself signs
    String generated = cosign.run("generate", byDigest).requireSuccess().stdout();
    assertThat(new String(payloadOf(name, digest), StandardCharsets.UTF_8)).isEqualTo(generated);
    // the key reached no progress event
    String events = build.events().all().toString();
    assertThat(events).doesNotContain(SigningKeyTest.body(keys.sec1()));
    assertThat(events).contains("signing " + byDigest);
  }

  @Test
  void cosignRefusesATamperedPayload() throws Exception {
    String name = registry.host() + "/tampered:1";
    String digest = buildSigned(name, "tampered", keys.pkcs8()).result().getImageDigest();
    String byDigest = repository(name) + "@" + digest;
    assertThat(cosign.verify(keys.publicKey(), byDigest).exitCode()).isZero();
    // the same signature over a payload that claims another repository
    ImageName sigTag =
        ImageName.parse(name.replace(":1", ":sha256-" + digest.substring(7) + ".sig"));
    try (RegistryClient client = new RegistryClient()) {
      Manifest original =
          Manifest.parse(
              client.manifest(sigTag, sigTag.tag(), RegistryAccess.anonymous()), "signature");
      byte[] payload = payloadOf(name, digest);
      byte[] tampered =
          new String(payload, StandardCharsets.UTF_8)
              .replace(repository(name), registry.host() + "/evil")
              .getBytes(StandardCharsets.UTF_8);
      ContentStore content = ContentStore.open(tmp.resolve("tamper"));
      content.ingest(tampered);
      byte[] config = "{\"architecture\":\"\",\"os\":\"\",\"config\":{}}".getBytes();
      content.ingest(config);
      Descriptor layer =
          Descriptor.of(CosignSigner.SIMPLE_SIGNING, tampered)
              .withAnnotations(original.layers().get(0).annotations());
      Manifest forged = Manifest.oci(Descriptor.of(MediaTypes.OCI_CONFIG, config), List.of(layer));
      content.ingest(forged.toJson());
      client.push(sigTag, forged.descriptor(), content, List.of(), RegistryAccess.anonymous());
    }
    Command.Result result = cosign.verify(keys.publicKey(), byDigest);
    assertThat(result.exitCode()).as(result.stdout()).isNotZero();
    assertThat(result.stderr()).contains("no matching signatures");
  }

  @Test
  void signingAgainAddsNothingAndAnotherKeyAddsItsSignature() throws Exception {
    String name = registry.host() + "/resigned:1";
    String first = buildSigned(name, "again", keys.sec1()).result().getImageDigest();
    BuildResult again = buildSigned(name, "again", keys.pkcs8()).result();
    assertThat(again.getImageDigest()).isEqualTo(first);
    assertThat(signatureLayers(name, first)).isEqualTo(1); // the same key: nothing appended
    buildSigned(name, "again", otherKeys.sec1());
    assertThat(signatureLayers(name, first)).isEqualTo(2);
    String byDigest = repository(name) + "@" + first;
    assertThat(cosign.verify(keys.publicKey(), byDigest).exitCode()).isZero();
    assertThat(cosign.verify(otherKeys.publicKey(), byDigest).exitCode()).isZero();
  }

  @Test
  void refusesABadKeyOrNoPushBeforeBuilding() throws Exception {
    Path rsa = tmp.resolve("rsa.pem");
    Command.of("openssl", "genpkey", "-algorithm", "RSA", "-out", rsa.toString()).output();
    assertThatThrownBy(() -> buildSigned(registry.host() + "/bad:1", "x", rsa))
        .isInstanceOfSatisfying(
            BuildFailedException.class,
            e -> {
              assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT);
              assertThat(e.getMessage()).contains("not an ECDSA key");
            });
    SolveRequest unpushed =
        SolveRequest.newBuilder()
            .setBuildId("unpushed")
            .setContext(
                BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
            .setDockerfile(DockerfileSource.newBuilder().setInline("FROM scratch\n"))
            .setSigningKeySecretId(KEY_ID)
            .addOutputs(TestBuild.oci(tmp.resolve("out.tar")))
            .build();
    Path context = Files.createDirectories(tmp.resolve("ctx-unpushed"));
    try (LocalSession session =
        LocalSession.builder()
            .context("context", context)
            .secretFile(KEY_ID, keys.sec1())
            .build()) {
      assertThatThrownBy(() -> TestBuild.run(engine, session, unpushed))
          .hasMessageContaining("signing needs a pushed image");
    }
    SolveRequest noSecret =
        unpushed.toBuilder()
            .clearOutputs()
            .addOutputs(
                Output.newBuilder()
                    .setType(OutputType.OUTPUT_TYPE_IMAGE)
                    .addNames(registry.host() + "/nosecret:1")
                    .setPush(true))
            .build();
    assertThatThrownBy(() -> TestBuild.run(engine, context, noSecret))
        .hasMessageContaining("does not serve the signing key (secret " + KEY_ID + ")");
  }

  static byte[] payloadOf(String name, String digest) throws Exception {
    ImageName sigTag =
        ImageName.parse(
            name.substring(0, name.lastIndexOf(':')) + ":sha256-" + digest.substring(7) + ".sig");
    try (RegistryClient client = new RegistryClient()) {
      JsonNode manifest =
          new ObjectMapper()
              .readTree(client.manifest(sigTag, sigTag.tag(), RegistryAccess.anonymous()));
      Digest layer = Digest.parse(manifest.path("layers").get(0).path("digest").asText());
      ContentStore content = ContentStore.open(tmp.resolve("read-" + UUID.randomUUID()));
      client.fetchAll(
          sigTag,
          List.of(
              Descriptor.of(
                  CosignSigner.SIMPLE_SIGNING,
                  layer,
                  manifest.path("layers").get(0).path("size").asLong())),
          content,
          RegistryAccess.anonymous());
      return content.read(layer);
    }
  }

  static int signatureLayers(String name, String digest) throws Exception {
    ImageName sigTag =
        ImageName.parse(
            name.substring(0, name.lastIndexOf(':')) + ":sha256-" + digest.substring(7) + ".sig");
    try (RegistryClient client = new RegistryClient()) {
      return Manifest.parse(
              client.manifest(sigTag, sigTag.tag(), RegistryAccess.anonymous()), "signature")
          .layers()
          .size();
    }
  }
}
