package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.HistoryEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Instructions that set the image config: ENV, metadata, WORKDIR, and their invalid values. */
class MetadataConversionTest extends ConversionTestSupport {

  @Test
  void envInOneInstructionSeesOldValuesAndPathChangesReachRun() {
    BuildDefinition d = convert("FROM a\nENV X=old\nENV X=new Y=$X PATH=/opt:$PATH\nRUN t\n");
    assertThat(d.image().config().env())
        .containsExactly("PATH=/opt:/usr/bin:/bin", "FROM_IMAGE=1", "X=new", "Y=old");
    assertThat(envOf(exec(d.root()), "PATH")).isEqualTo("/opt:/usr/bin:/bin");
  }

  @Test
  void metadataInstructionsSetTheConfigAndEmptyHistory() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request(
                    "FROM a\nUSER 1:2\nEXPOSE 80 53/udp 8000-8001\nVOLUME [\"/data\"]\nSTOPSIGNAL SIGINT\n"
                        + "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=1s --start-interval=500ms --retries=3 CMD [\"check\"]\n"
                        + "SHELL [\"/bin/bash\", \"-c\"]\nCMD run it\nENTRYPOINT [\"/e\"]\nLABEL a=1\nMAINTAINER me\n")
                .label("extra", "yes")
                .build());
    ContainerConfig c = d.image().config();
    assertThat(c.user()).isEqualTo("1:2");
    assertThat(c.exposedPorts()).containsOnlyKeys("80/tcp", "53/udp", "8000/tcp", "8001/tcp");
    assertThat(c.volumes()).containsOnlyKeys("/data");
    assertThat(c.stopSignal()).isEqualTo("SIGINT");
    assertThat(c.healthcheck().test()).containsExactly("CMD", "check");
    assertThat(c.healthcheck().intervalNanos()).isEqualTo(30_000_000_000L);
    assertThat(c.healthcheck().timeoutNanos()).isEqualTo(90_000_000_000L);
    assertThat(c.healthcheck().startIntervalNanos()).isEqualTo(500_000_000L);
    assertThat(c.healthcheck().retries()).isEqualTo(3);
    assertThat(c.shell()).containsExactly("/bin/bash", "-c");
    assertThat(c.cmd()).containsExactly("/bin/bash", "-c", "run it");
    assertThat(c.entrypoint()).containsExactly("/e");
    assertThat(c.labels()).isEqualTo(Map.of("a", "1", "extra", "yes"));
    assertThat(d.image().author()).isEqualTo("me");
    assertThat(d.image().history().subList(1, d.image().history().size()))
        .allMatch(HistoryEntry::emptyLayer);
    assertThat(d.root()).isInstanceOf(SourceOp.Image.class);
  }

  @Test
  void exposeSplitsAVariablesValueIntoPortsButNotAQuotedOne() {
    // differential case expand/expose-multiword-variable
    ContainerConfig c = convert("FROM a\nARG P=\"80 443/udp\"\nEXPOSE $P 9000\n").image().config();
    assertThat(c.exposedPorts()).containsOnlyKeys("80/tcp", "443/udp", "9000/tcp");
    assertThatThrownBy(() -> convert("FROM a\nARG P=\"80 443\"\nEXPOSE \"$P\"\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("invalid port \"80 443\"");
  }

  @Test
  void invalidValuesAreTypedErrorsAtTheInstruction() {
    String[] bad = {
      "FROM a\nEXPOSE 99999\n",
      "FROM a\nEXPOSE 80/xyz\n",
      "FROM a\nSTOPSIGNAL SIGNOPE\n",
      "FROM a\nHEALTHCHECK --interval=10 CMD x\n",
      "FROM a\nHEALTHCHECK --retries=-1 CMD x\n",
      "FROM a\nCOPY --chmod=99z f /f\n",
      "FROM a\nENV X=${Y:?Y_is_required}\n",
      "FROM a\nVOLUME \"\"\n",
      "FROM Bad_Image\n",
      "FROM --platform=linux a\n",
      "FROM $EMPTY\n",
      "FROM a AS x\nCOPY --from=x /a /b\n",
      "FROM a AS x\nFROM x AS y\nFROM y AS x2\nCOPY --from=7 /a /b\n",
    };
    for (String df : bad) {
      assertThatThrownBy(() -> convert(df))
          .as(df)
          .isInstanceOf(DockerfileException.class)
          .satisfies(e -> assertThat(((DockerfileException) e).position().line()).isGreaterThan(0));
    }
    assertThatThrownBy(() -> convert("FROM a\nENV X=${Y:?Y_is_required}\n"))
        .hasMessage("Dockerfile:2:1: Y: Y_is_required in \"${Y:?Y_is_required}\"");
  }

  @Test
  void workdirIsALayerAndResolvesRelativePaths() {
    BuildDefinition d = convert("FROM a\nUSER app\nWORKDIR rel\nWORKDIR ../x/./y/\n");
    FileOp last = (FileOp) d.root();
    assertThat(last.actions())
        .containsExactly(new FileAction.Mkdir("/x/y", 0755, "app", null, true));
    assertThat(d.image().config().workingDir()).isEqualTo("/x/y");
    assertThat(d.warnings()).extracting(BuildWarning::rule).containsOnlyOnce("WorkdirRelativePath");
  }
}
