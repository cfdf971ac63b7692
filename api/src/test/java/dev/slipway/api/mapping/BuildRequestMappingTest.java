package dev.slipway.api.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import dev.slipway.api.control.v1.Annotation;
import dev.slipway.api.control.v1.AnnotationLevel;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.control.v1.HostEntry;
import dev.slipway.api.control.v1.HttpContext;
import dev.slipway.api.control.v1.ImageContext;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.NamedContext;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.Ulimit;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.ConfigMapContext;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.StringArbitrary;

/**
 * Both directions of {@link BuildRequestMapping} over every field a BuildRequest carries, and a
 * guard that a new SolveRequest field is mapped or named as one the operator resolves.
 */
class BuildRequestMappingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 500)
  void aSolveRequestSurvivesTheTripThroughASpec(@ForAll("requests") SolveRequest request) {
    assertThat(BuildRequestMapping.toSolveRequest(BuildRequestMapping.toSpec(request)))
        .isEqualTo(request);
  }

  /**
   * The spec as the operator reads it: written as YAML and read back, so that the CRD model's
   * defaults (push, compression, cache mode, timeout) are filled in.
   */
  @Property(tries = 500)
  void aSpecAsTheApiServerStoresItSurvivesTheTripThroughASolveRequest(
      @ForAll("requests") SolveRequest request) throws Exception {
    BuildRequestSpec stored =
        JSON.readValue(
            JSON.writeValueAsString(BuildRequestMapping.toSpec(request)), BuildRequestSpec.class);

    BuildRequestSpec back = BuildRequestMapping.toSpec(BuildRequestMapping.toSolveRequest(stored));

    assertThat(json(back)).isEqualTo(json(stored));
  }

  @Example
  void everySolveRequestFieldIsMappedOrResolvedByTheOperator() {
    Set<String> fields = new TreeSet<>();
    collectFields(SolveRequest.getDescriptor(), fields, new HashSet<>());
    Set<String> outsideTheSpec = new HashSet<>(BuildRequestMapping.RESOLVED_BY_OPERATOR);
    outsideTheSpec.addAll(BuildRequestMapping.NOT_IN_SPEC.keySet());
    assertThat(fields).as("fields named as not mapped exist").containsAll(outsideTheSpec);

    Set<String> generated = new HashSet<>();
    requests().sampleStream().limit(2000).forEach(r -> collectSet(r, generated));
    Set<String> unmapped = new TreeSet<>(fields);
    unmapped.removeAll(outsideTheSpec);
    unmapped.removeAll(generated);
    assertThat(unmapped)
        .as(
            "SolveRequest fields that the round trip never sets: map them in BuildRequestMapping"
                + " and generate them in requests(), or list them in RESOLVED_BY_OPERATOR")
        .isEmpty();
  }

  @Example
  void defaultAndUnsetNetworksAreTheLevelBelows() {
    BuildRequestSpec spec = spec();
    assertThat(BuildRequestMapping.toSolveRequest(spec).getNetwork())
        .isEqualTo(NetworkMode.NETWORK_MODE_UNSPECIFIED);
    spec.setNetwork(dev.slipway.api.resource.NetworkMode.DEFAULT);
    assertThat(BuildRequestMapping.toSolveRequest(spec).getNetwork())
        .isEqualTo(NetworkMode.NETWORK_MODE_UNSPECIFIED);
  }

  @Example
  void aConfigMapContextIsInlineForTheOperatorToFill() {
    BuildRequestSpec spec = spec();
    ConfigMapContext configMap = new ConfigMapContext();
    configMap.setName("files");
    spec.getContext().setConfigMap(configMap);

    assertThat(BuildRequestMapping.toSolveRequest(spec).getContext().getInline())
        .isEqualTo(InlineContext.getDefaultInstance());
  }

  @Example
  void whatASpecCannotCarryIsRefusedNotDropped() {
    SolveRequest inline =
        SolveRequest.newBuilder()
            .setContext(BuildContext.newBuilder().setInline(InlineContext.getDefaultInstance()))
            .build();
    assertThatThrownBy(() -> BuildRequestMapping.toSpec(inline)).hasMessageContaining("ConfigMap");
    SolveRequest gitToken =
        SolveRequest.newBuilder()
            .setContext(
                BuildContext.newBuilder()
                    .setGit(GitContext.newBuilder().setUrl("https://g/a").setTokenSecretId("t")))
            .build();
    assertThatThrownBy(() -> BuildRequestMapping.toSpec(gitToken))
        .hasMessageContaining("secretName");
    SolveRequest level =
        SolveRequest.newBuilder()
            .addOutputs(
                Output.newBuilder()
                    .setType(OutputType.OUTPUT_TYPE_OCI)
                    .putAttrs("compression-level", "3"))
            .build();
    assertThatThrownBy(() -> BuildRequestMapping.toSpec(level))
        .hasMessageContaining("output compression-level: not carried by a BuildRequest");
  }

  private static BuildRequestSpec spec() {
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setContext(new BuildContextSource());
    return spec;
  }

  // ------------------------------------------------------------------------------------------
  // Generators: every field that a BuildRequest carries, in the values it can hold.

  @Provide
  Arbitrary<SolveRequest> requests() {
    return Builders.withBuilder(SolveRequest::newBuilder)
        .use(contexts())
        .withProbability(0.95)
        .in(SolveRequest.Builder::setContext)
        .use(dockerfiles())
        .withProbability(0.8)
        .in(SolveRequest.Builder::setDockerfile)
        .use(text())
        .in(SolveRequest.Builder::setTarget)
        .use(maps())
        .in(SolveRequest.Builder::putAllBuildArgs)
        .use(maps())
        .in(SolveRequest.Builder::putAllLabels)
        .use(lists(text()))
        .in(SolveRequest.Builder::addAllPlatforms)
        .use(lists(text()))
        .in(SolveRequest.Builder::addAllSecretIds)
        .use(lists(text()))
        .in(SolveRequest.Builder::addAllSshIds)
        .use(lists(outputs()))
        .in(SolveRequest.Builder::addAllOutputs)
        .use(lists(caches("src")))
        .in(SolveRequest.Builder::addAllCacheFrom)
        .use(lists(caches("dest")))
        .in(SolveRequest.Builder::addAllCacheTo)
        .use(Arbitraries.of(true, false))
        .in(SolveRequest.Builder::setNoCache)
        .use(lists(text()))
        .in(SolveRequest.Builder::addAllNoCacheFilter)
        .use(Arbitraries.of(true, false))
        .in(SolveRequest.Builder::setPull)
        .use(
            Arbitraries.of(
                NetworkMode.NETWORK_MODE_UNSPECIFIED,
                NetworkMode.NETWORK_MODE_HOST,
                NetworkMode.NETWORK_MODE_NONE))
        .in(SolveRequest.Builder::setNetwork)
        .use(
            lists(
                Builders.withBuilder(HostEntry::newBuilder)
                    .use(name())
                    .in(HostEntry.Builder::setHost)
                    .use(name())
                    .in(HostEntry.Builder::setIp)
                    .build(HostEntry.Builder::build)))
        .in(SolveRequest.Builder::addAllExtraHosts)
        .use(lists(text()))
        .in(SolveRequest.Builder::addAllEntitlements)
        .use(Arbitraries.longs().between(0, 1L << 40))
        .in(SolveRequest.Builder::setShmSizeBytes)
        .use(
            lists(
                Builders.withBuilder(Ulimit::newBuilder)
                    .use(name())
                    .in(Ulimit.Builder::setName)
                    .use(Arbitraries.longs().between(-1, 1L << 20))
                    .in(Ulimit.Builder::setSoft)
                    .use(Arbitraries.longs().between(-1, 1L << 20))
                    .in(Ulimit.Builder::setHard)
                    .build(Ulimit.Builder::build)))
        .in(SolveRequest.Builder::addAllUlimits)
        .use(
            lists(
                Builders.withBuilder(Annotation::newBuilder)
                    .use(
                        Arbitraries.of(AnnotationLevel.class)
                            .filter(l -> l != AnnotationLevel.UNRECOGNIZED))
                    .in(Annotation.Builder::setLevel)
                    .use(name())
                    .in(Annotation.Builder::setKey)
                    .use(text())
                    .in(Annotation.Builder::setValue)
                    .build(Annotation.Builder::build)))
        .in(SolveRequest.Builder::addAllAnnotations)
        .use(Arbitraries.maps(name(), Arbitraries.integers().between(0, 3)).ofMaxSize(3))
        .in(
            (b, m) -> {
              m.forEach((name, kind) -> b.putNamedContexts(name, named(name, kind)));
              return b;
            })
        .use(Arbitraries.longs().between(0, 1_000_000))
        .in((b, s) -> b.setTimeout(Duration.newBuilder().setSeconds(s)))
        .use(
            Arbitraries.of(true, false)
                .flatMap(
                    sbom ->
                        Arbitraries.of("", "min", "max")
                            .map(
                                mode ->
                                    dev.slipway.api.control.v1.Attestations.newBuilder()
                                        .setSbom(sbom)
                                        .setProvenanceMode(mode)
                                        .build())))
        .in(SolveRequest.Builder::setAttestations)
        .build(SolveRequest.Builder::build);
  }

  private static Arbitrary<BuildContext> contexts() {
    Arbitrary<BuildContext> client =
        Arbitraries.just(
            BuildContext.newBuilder()
                .setClient(ClientContext.newBuilder().setName("context"))
                .build());
    Arbitrary<BuildContext> git =
        Builders.withBuilder(GitContext::newBuilder)
            .use(name())
            .in(GitContext.Builder::setUrl)
            .use(text())
            .in(GitContext.Builder::setRef)
            .use(text())
            .in(GitContext.Builder::setSubdir)
            .use(Arbitraries.of(true, false))
            .in(GitContext.Builder::setKeepGitDir)
            .build(g -> BuildContext.newBuilder().setGit(g).build());
    Arbitrary<BuildContext> http =
        Builders.withBuilder(HttpContext::newBuilder)
            .use(name())
            .in(HttpContext.Builder::setUrl)
            .use(text())
            .in(HttpContext.Builder::setChecksum)
            .build(h -> BuildContext.newBuilder().setHttp(h).build());
    Arbitrary<BuildContext> image =
        Builders.withBuilder(ImageContext::newBuilder)
            .use(name())
            .in(ImageContext.Builder::setRef)
            .use(text())
            .in(ImageContext.Builder::setPath)
            .build(i -> BuildContext.newBuilder().setImage(i).build());
    return Arbitraries.oneOf(client, git, http, image);
  }

  /** A named context of each kind; a client one is served under its name's session part. */
  private static NamedContext named(String name, int kind) {
    return switch (kind) {
      case 0 -> NamedContext.newBuilder().setImage(name).build();
      case 1 -> NamedContext.newBuilder().setGit("https://h/" + name + ".git#main").build();
      case 2 -> NamedContext.newBuilder().setUrl("https://h/" + name).build();
      default ->
          NamedContext.newBuilder()
              .setClient(
                  ClientContext.newBuilder().setName(BuildRequestMapping.namedClientContext(name)))
              .build();
    };
  }

  private static Arbitrary<DockerfileSource> dockerfiles() {
    return Arbitraries.oneOf(
        text().map(p -> DockerfileSource.newBuilder().setPath(p).build()),
        text().map(t -> DockerfileSource.newBuilder().setInline(t).build()));
  }

  private static Arbitrary<Output> outputs() {
    return Builders.withBuilder(Output::newBuilder)
        .use(
            Arbitraries.of(
                OutputType.OUTPUT_TYPE_IMAGE,
                OutputType.OUTPUT_TYPE_OCI,
                OutputType.OUTPUT_TYPE_DOCKER,
                OutputType.OUTPUT_TYPE_LOCAL,
                OutputType.OUTPUT_TYPE_TAR))
        .in(Output.Builder::setType)
        .use(lists(name()))
        .in(Output.Builder::addAllNames)
        .use(Arbitraries.of(true, false))
        .in(Output.Builder::setPush)
        .use(text())
        .in(Output.Builder::setDest)
        .use(Arbitraries.of("gzip", "zstd", "uncompressed"))
        .withProbability(0.5)
        .in((o, c) -> o.putAttrs("compression", c))
        .build(Output.Builder::build);
  }

  /**
   * @param pathAttr where a local cache's directory travels: src for --cache-from, dest for
   *     --cache-to
   */
  private static Arbitrary<CacheOption> caches(String pathAttr) {
    return Builders.withBuilder(CacheOption::newBuilder)
        .use(Arbitraries.of("registry", "inline", "local"))
        .in(CacheOption.Builder::setType)
        .use(text())
        .withProbability(0.7)
        .in((c, ref) -> c.putAttrs("ref", ref))
        .use(Arbitraries.of("min", "max"))
        .withProbability(0.5)
        .in((c, mode) -> c.putAttrs("mode", mode))
        .use(text())
        .withProbability(0.5)
        .in((c, path) -> c.putAttrs(pathAttr, path))
        .build(CacheOption.Builder::build);
  }

  private static Arbitrary<Map<String, String>> maps() {
    return Arbitraries.maps(name(), text()).ofMaxSize(3);
  }

  private static <T> Arbitrary<List<T>> lists(Arbitrary<T> elements) {
    return elements.list().ofMaxSize(3);
  }

  /** Any text, empty too. */
  private static StringArbitrary text() {
    return Arbitraries.strings().alpha().numeric().withChars("-_./:@ =,").ofMaxLength(12);
  }

  /** Text that a field needs to be non-empty. */
  private static StringArbitrary name() {
    return text().ofMinLength(1);
  }

  // ------------------------------------------------------------------------------------------
  // Descriptor walking

  /** Full names of the fields of {@code type} and of the messages it holds, map entries aside. */
  private static void collectFields(Descriptor type, Set<String> fields, Set<Descriptor> seen) {
    if (!seen.add(type) || !type.getFile().getPackage().equals("slipway.control.v1")) {
      return;
    }
    for (FieldDescriptor f : type.getFields()) {
      fields.add(f.getFullName());
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
        collectFields(f.getMessageType(), fields, seen);
      }
    }
  }

  /** Full names of the fields that {@code message} (or a message in it) sets. */
  private static void collectSet(Message message, Set<String> set) {
    for (var entry : message.getAllFields().entrySet()) {
      FieldDescriptor f = entry.getKey();
      set.add(f.getFullName());
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
        Set<Object> values = new LinkedHashSet<>();
        if (f.isRepeated()) {
          values.addAll((List<?>) entry.getValue());
        } else {
          values.add(entry.getValue());
        }
        values.forEach(v -> collectSet((Message) v, set));
      }
    }
  }

  private static JsonNode json(BuildRequestSpec spec) {
    return JSON.valueToTree(spec);
  }
}
