package dev.slipway.operator.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.OutputType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VolumeOutputsCheckTest {

  @Test
  void twoOutputsOnOnePathOfAClaimAreRefusedHoweverTheyAreWritten() {
    assertThat(problem("out/a.tar", "./out/a.tar")).hasValueSatisfying(p -> same(p));
    assertThat(problem("out", "out/x.tar")).hasValueSatisfying(p -> same(p));
    assertThat(problem("out/x.tar", "out")).hasValueSatisfying(p -> same(p));
  }

  @Test
  void outputsOnSeparatePathsPass() {
    assertThat(problem("out/a.tar", "out/b.tar")).isEmpty();
    assertThat(problem("out", "outside/x.tar")).isEmpty();
  }

  private static void same(String problem) {
    assertThat(problem).startsWith("spec.outputs[1].dest").contains("spec.outputs[0]");
  }

  private static java.util.Optional<String> problem(String... dests) {
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setContext(new BuildContextSource());
    List<BuildOutput> outputs =
        Arrays.stream(dests)
            .map(
                d -> {
                  BuildOutput o = new BuildOutput();
                  o.setType(d.endsWith(".tar") ? OutputType.OCI : OutputType.LOCAL);
                  o.setDest(d);
                  o.setVolumeClaimName("outputs");
                  return o;
                })
            .toList();
    spec.setOutputs(outputs);
    return VolumeOutputsCheck.problem(spec);
  }
}
