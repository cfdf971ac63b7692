package dev.slipway.differential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SBOM and provenance attestations of the same Dockerfile, built by the oracle ({@code buildctl
 * --opt attest:sbom=generator=… --opt attest:provenance=mode=max}) and by {@code bin/slipway build
 * --sbom=true --provenance=mode=max}: the index entry, the attestation manifest and the in-toto
 * statements must have the same field names, media types and annotations. The oracle's SBOM comes
 * from a stand-in generator image this test builds with the oracle (BuildKit's default one cannot
 * be pulled here), so the SPDX document itself is compared only where BuildKit shapes it.
 */
class AttestationsIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WORK = REPO.resolve("differential/target/attestations");
  private static final String SCANNER = "127.0.0.1:5000/slipway-test/sbom-scanner:1";
  private static final String SECRET = "secret-value-c0ffee";
  private static final String ARG_SECRET = "arg-value-deadbeef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Oracle oracle;

  @BeforeAll
  static void startOracle() throws Exception {
    oracle = Oracle.start(REPO, WORK.resolve("buildkit"));
  }

  @AfterAll
  static void stopOracle() throws Exception {
    if (oracle != null) {
      oracle.close();
    }
  }

  @Test
  void slipwaysAttestationsHaveTheOraclesShape() throws Exception {
    pushScanner();
    Path context = Files.createDirectories(WORK.resolve("context"));
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM 127.0.0.1:5000/busybox:latest
        ARG GREETING=hi
        ARG MY_TOKEN
        RUN --mount=type=secret,id=mysecret echo "$GREETING" > /greet \\
            && wc -c < /run/secrets/mysecret > /len
        """);
    Path secret = WORK.resolve("secret.txt");
    Files.writeString(secret, SECRET);
    Path theirs = WORK.resolve("oracle.tar");
    Path ours = WORK.resolve("slipway.tar");
    Files.deleteIfExists(theirs);
    Files.deleteIfExists(ours);
    assertThat(
            oracle.buildctl(
                List.of(
                    "build",
                    "--progress",
                    "plain",
                    "--frontend",
                    "dockerfile.v0",
                    "--local",
                    "context=" + context,
                    "--local",
                    "dockerfile=" + context,
                    "--secret",
                    "id=mysecret,src=" + secret,
                    "--opt",
                    "build-arg:GREETING=hello",
                    "--opt",
                    "build-arg:MY_TOKEN=" + ARG_SECRET,
                    "--opt",
                    "attest:sbom=generator=" + SCANNER,
                    "--opt",
                    "attest:provenance=mode=max",
                    "--output",
                    "type=oci,dest=" + theirs),
                WORK.resolve("oracle.log")))
        .as("oracle build, log in %s", WORK.resolve("oracle.log"))
        .isZero();
    assertThat(
            HostProcess.run(
                List.of(
                    REPO.resolve("bin/slipway").toString(),
                    "build",
                    "--local",
                    "--progress=plain",
                    "--secret",
                    "id=mysecret,src=" + secret,
                    "--build-arg",
                    "GREETING=hello",
                    "--build-arg",
                    "MY_TOKEN=" + ARG_SECRET,
                    "--sbom=true",
                    "--provenance=mode=max",
                    "--output",
                    "type=oci,dest=" + ours,
                    context.toString()),
                Map.of("SLIPWAY_STATE", WORK.resolve("slipway-state").toString()),
                WORK.resolve("slipway.log"),
                600))
        .as("slipway build, log in %s", WORK.resolve("slipway.log"))
        .isZero();

    Attested o = Attested.read(theirs, WORK.resolve("oracle"));
    Attested s = Attested.read(ours, WORK.resolve("slipway"));

    assertThat(paths(s.entry)).isEqualTo(paths(o.entry));
    assertThat(s.entry.path("platform")).isEqualTo(o.entry.path("platform"));
    assertThat(names(s.entry.path("annotations"))).isEqualTo(names(o.entry.path("annotations")));
    assertThat(paths(s.manifest)).isEqualTo(paths(o.manifest));
    for (String field : List.of("mediaType", "artifactType", "config")) {
      assertThat(s.manifest.path(field)).as(field).isEqualTo(o.manifest.path(field));
    }
    assertThat(s.layerTypes()).isEqualTo(o.layerTypes());
    assertThat(s.statements).hasSameSizeAs(o.statements);
    for (int i = 0; i < o.statements.size(); i++) {
      JsonNode a = s.statements.get(i);
      JsonNode b = o.statements.get(i);
      assertThat(names(a)).isEqualTo(names(b));
      assertThat(a.path("_type")).isEqualTo(b.path("_type"));
      assertThat(a.path("predicateType")).isEqualTo(b.path("predicateType"));
    }
    JsonNode sp = s.statements.get(1);
    JsonNode op = o.statements.get(1);
    for (String at :
        List.of(
            "/predicate",
            "/predicate/buildDefinition",
            "/predicate/buildDefinition/externalParameters",
            "/predicate/buildDefinition/internalParameters/buildConfig",
            "/predicate/runDetails",
            "/predicate/runDetails/metadata",
            "/predicate/runDetails/metadata/buildkit_completeness")) {
      assertThat(names(sp.at(at))).as(at).isEqualTo(names(op.at(at)));
    }
    // Known differences (differential/README.md): BuildKit's request also carries "root" (a copy
    // of the args) and its frontend's compatibilityVersion; internalParameters its
    // dockerfileVersion. Slipway has no meaning for either.
    Set<String> request = names(op.at("/predicate/buildDefinition/externalParameters/request"));
    request.removeAll(Set.of("root", "compatibilityVersion"));
    assertThat(names(sp.at("/predicate/buildDefinition/externalParameters/request")))
        .isEqualTo(request);
    Set<String> internal = names(op.at("/predicate/buildDefinition/internalParameters"));
    internal.remove("dockerfileVersion");
    assertThat(names(sp.at("/predicate/buildDefinition/internalParameters"))).isEqualTo(internal);
    assertThat(sp.at("/predicate/buildDefinition/resolvedDependencies/0"))
        .isEqualTo(op.at("/predicate/buildDefinition/resolvedDependencies/0"));
    assertThat(sp.at("/predicate/buildDefinition/externalParameters/request/secrets"))
        .isEqualTo(op.at("/predicate/buildDefinition/externalParameters/request/secrets"));
    assertThat(
            sp.at("/predicate/buildDefinition/externalParameters/request/args/build-arg:GREETING"))
        .isEqualTo(
            op.at("/predicate/buildDefinition/externalParameters/request/args/build-arg:GREETING"));

    // BuildKit's mode=max writes the secret-named build arg; Slipway never does.
    assertThat(o.blobs).contains(ARG_SECRET).doesNotContain(SECRET);
    assertThat(s.blobs).doesNotContain(ARG_SECRET).doesNotContain(SECRET);
  }

  private static void pushScanner() throws Exception {
    Path dir = Files.createDirectories(WORK.resolve("scanner"));
    try (InputStream in = AttestationsIT.class.getResourceAsStream("/attestations/scan.sh")) {
      Files.write(dir.resolve("scan.sh"), in.readAllBytes());
    }
    dir.resolve("scan.sh").toFile().setExecutable(true);
    Files.writeString(
        dir.resolve("Dockerfile"),
        "FROM 127.0.0.1:5000/busybox:latest\nCOPY --chmod=0755 scan.sh /bin/scan.sh\n"
            + "ENTRYPOINT [\"/bin/scan.sh\"]\n");
    assertThat(
            oracle.buildctl(
                List.of(
                    "build",
                    "--frontend",
                    "dockerfile.v0",
                    "--local",
                    "context=" + dir,
                    "--local",
                    "dockerfile=" + dir,
                    "--output",
                    "type=image,name=" + SCANNER + ",push=true,registry.insecure=true"),
                WORK.resolve("scanner.log")))
        .as("the stand-in SBOM generator, log in %s", WORK.resolve("scanner.log"))
        .isZero();
  }

  /** The attestation side of an OCI archive with one platform image. */
  private record Attested(
      JsonNode entry, JsonNode manifest, List<JsonNode> statements, String blobs) {
    static Attested read(Path archive, Path dir) throws Exception {
      HostProcess.output(WORK, "rm", "-rf", dir.toString());
      Files.createDirectories(dir);
      HostProcess.output(dir, "tar", "-xf", archive.toString(), "-C", dir.toString());
      JsonNode top = JSON.readTree(dir.resolve("index.json").toFile());
      JsonNode index = blob(dir, top.path("manifests").path(0).path("digest").asText());
      JsonNode entry = index.path("manifests").path(1);
      String manifestText = text(dir, entry.path("digest").asText());
      JsonNode manifest = JSON.readTree(manifestText);
      List<JsonNode> statements = new ArrayList<>();
      StringBuilder all = new StringBuilder(manifestText);
      for (JsonNode layer : manifest.path("layers")) {
        String t = text(dir, layer.path("digest").asText());
        all.append(t);
        statements.add(JSON.readTree(t));
      }
      return new Attested(entry, manifest, statements, all.toString());
    }

    List<String> layerTypes() {
      List<String> out = new ArrayList<>();
      for (JsonNode l : manifest.path("layers")) {
        out.add(l.path("mediaType").asText() + " " + l.path("annotations"));
      }
      return out;
    }
  }

  private static JsonNode blob(Path dir, String digest) throws IOException {
    return JSON.readTree(text(dir, digest));
  }

  private static String text(Path dir, String digest) throws IOException {
    return Files.readString(
        dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())),
        StandardCharsets.UTF_8);
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
