package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import org.junit.jupiter.api.Test;

class ClientOutputsTest {

  @Test
  void imagesAndOutputsForTheClientPassAndALocalDirectoryTravelsAsATar() throws Exception {
    SolveRequest request =
        SolveRequest.newBuilder()
            .addOutputs(Output.newBuilder().setType(OutputType.OUTPUT_TYPE_IMAGE).addNames("a:1"))
            .addOutputs(Output.newBuilder().setType(OutputType.OUTPUT_TYPE_OCI).setDest("-"))
            .addOutputs(
                Output.newBuilder().setType(OutputType.OUTPUT_TYPE_LOCAL).setDest("client:out"))
            .addOutputs(
                Output.newBuilder().setType(OutputType.OUTPUT_TYPE_DOCKER).setDest("client:d.tar"))
            .build();

    SolveRequest prepared = ClientOutputs.prepare(request);

    assertThat(prepared.getOutputsList())
        .extracting(Output::getType)
        .containsExactly(
            OutputType.OUTPUT_TYPE_IMAGE,
            OutputType.OUTPUT_TYPE_OCI,
            OutputType.OUTPUT_TYPE_TAR,
            OutputType.OUTPUT_TYPE_DOCKER);
    assertThat(prepared.getOutputs(2).getDest()).isEqualTo("client:out");
    assertThat(request.getOutputs(2).getType())
        .as("the caller's request is left as it was")
        .isEqualTo(OutputType.OUTPUT_TYPE_LOCAL);
  }

  @Test
  void anOutputToAPathOnTheBuilderIsRefusedNamingWhichOne() {
    SolveRequest request =
        SolveRequest.newBuilder()
            .addOutputs(Output.newBuilder().setType(OutputType.OUTPUT_TYPE_OCI).setDest("-"))
            .addOutputs(Output.newBuilder().setType(OutputType.OUTPUT_TYPE_TAR).setDest("/etc/x"))
            .build();

    assertThatThrownBy(() -> ClientOutputs.prepare(request))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("output 2 (OUTPUT_TYPE_TAR)")
        .hasMessageContaining("\"/etc/x\" on the builder");
  }

  @Test
  void aLocalCacheOnTheBuilderIsRefusedEitherWay() {
    for (boolean export : new boolean[] {false, true}) {
      CacheOption cache =
          CacheOption.newBuilder()
              .setType("local")
              .putAttrs(export ? "dest" : "src", "/var/lib/slipway")
              .build();
      SolveRequest.Builder request = SolveRequest.newBuilder();
      if (export) {
        request.addCacheTo(cache);
      } else {
        request.addCacheFrom(cache);
      }

      assertThatThrownBy(() -> ClientOutputs.prepare(request.build()))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
          .hasMessageContaining(export ? "--cache-to type=local" : "--cache-from type=local")
          .hasMessageContaining("use type=registry");
    }
  }
}
