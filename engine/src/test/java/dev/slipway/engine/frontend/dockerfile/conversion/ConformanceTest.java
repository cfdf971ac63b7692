package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.HistoryEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the shared conformance corpus converts (or is rejected with the typed error), and
 * the resulting config, layer count and empty_layer flags equal BuildKit's golden.
 */
class ConformanceTest {

  /** Fails only when the build runs (the context lacks the file); conversion cannot know. */
  private static final List<String> SOLVE_TIME_ERRORS = List.of("copy-missing-source");

  static Stream<ConformanceCases.Case> cases() {
    return ConformanceCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void convertsLikeBuildKit(ConformanceCases.Case c) {
    if (c.expectError() && !SOLVE_TIME_ERRORS.contains(c.name())) {
      assertThatThrownBy(() -> DockerfileFrontend.convert(c.request()))
          .isInstanceOf(DockerfileException.class)
          .satisfies(e -> assertThat(((DockerfileException) e).position().line()).isPositive());
      return;
    }
    BuildDefinition def = DockerfileFrontend.convert(c.request());
    JsonNode golden = c.golden();
    if (c.expectError()) {
      assertThat(def.root()).isNotNull();
      return;
    }
    JsonNode g = golden.get("config");
    ContainerConfig cfg = def.image().config();
    assertThat(cfg.env()).as("Env").isEqualTo(strings(g.get("Env")));
    assertThat(nullIfEmpty(cfg.cmd())).as("Cmd").isEqualTo(nullIfEmpty(strings(g.get("Cmd"))));
    assertThat(nullIfEmpty(cfg.entrypoint()))
        .as("Entrypoint")
        .isEqualTo(nullIfEmpty(strings(g.get("Entrypoint"))));
    assertThat(emptyToNull(cfg.workingDir())).as("WorkingDir").isEqualTo(text(g.get("WorkingDir")));
    assertThat(emptyToNull(cfg.user())).as("User").isEqualTo(text(g.get("User")));
    assertThat(new TreeSet<>(cfg.exposedPorts().keySet()))
        .as("ExposedPorts")
        .isEqualTo(new TreeSet<>(strings(g.get("ExposedPorts"))));
    assertThat(new TreeSet<>(cfg.volumes().keySet()))
        .as("Volumes")
        .isEqualTo(new TreeSet<>(strings(g.get("Volumes"))));
    Map<String, String> labels = new TreeMap<>();
    if (g.hasNonNull("Labels")) {
      g.get("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    }
    assertThat(new TreeMap<>(cfg.labels())).as("Labels").isEqualTo(labels);
    assertThat(emptyToNull(cfg.stopSignal())).as("StopSignal").isEqualTo(text(g.get("StopSignal")));
    if (g.hasNonNull("Healthcheck")) {
      assertThat(cfg.healthcheck().test())
          .as("Healthcheck")
          .isEqualTo(strings(g.get("Healthcheck").get("Test")));
    } else {
      assertThat(cfg.healthcheck()).isNull();
    }
    assertThat(nullIfEmpty(cfg.shell()))
        .as("Shell")
        .isEqualTo(nullIfEmpty(strings(g.get("Shell"))));
    assertThat(cfg.onBuild()).as("OnBuild").isEqualTo(strings(g.get("OnBuild")));
    assertThat(def.image().os()).isEqualTo(g.get("os").asText());
    assertThat(def.image().architecture()).isEqualTo(g.get("architecture").asText());

    List<Boolean> flags = new ArrayList<>();
    for (HistoryEntry h : def.image().history()) {
      flags.add(h.emptyLayer());
    }
    List<Boolean> goldenFlags = new ArrayList<>();
    golden.get("history").forEach(n -> goldenFlags.add(n.asBoolean()));
    assertThat(flags).as("history empty_layer flags").isEqualTo(goldenFlags);
    assertThat(layerChain(def.root()))
        .as("layers built on the base")
        .isEqualTo(golden.get("layers").asInt() - def.image().rootfs().diffIds().size());
  }

  /** Layer-producing vertices from the root down to the base image (or scratch). */
  static int layerChain(Vertex root) {
    int layers = 0;
    Vertex v = root;
    while (v.parent().isPresent()) {
      layers++;
      if (v instanceof dev.slipway.engine.graph.MergeOp m) {
        v = m.inputs().get(0);
        continue;
      }
      v = v.parent().get();
    }
    return layers;
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null && !n.isNull()) {
      n.forEach(e -> out.add(e.asText()));
    }
    return out;
  }

  private static List<String> nullIfEmpty(List<String> l) {
    return l == null || l.isEmpty() ? null : l;
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.asText().isEmpty() ? null : n.asText();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
