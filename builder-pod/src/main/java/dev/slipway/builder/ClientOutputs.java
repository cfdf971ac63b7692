package dev.slipway.builder;

import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.session.OutputDestination;
import io.grpc.Status;
import io.grpc.StatusException;

/**
 * Outputs of a remote build go to the client or to a registry, never to a path on the builder
 * (which a client could otherwise write anywhere). A directory output for the client travels as a
 * tar that the client unpacks. For the same reason a local cache (a directory on the builder, read
 * by --cache-from and written by --cache-to) is refused: it would read and write any path there.
 */
final class ClientOutputs {
  private ClientOutputs() {}

  static SolveRequest prepare(SolveRequest request) throws StatusException {
    refuseLocalCaches("--cache-from", request.getCacheFromList());
    refuseLocalCaches("--cache-to", request.getCacheToList());
    SolveRequest.Builder r = request.toBuilder();
    for (int i = 0; i < r.getOutputsCount(); i++) {
      Output o = r.getOutputs(i);
      if (o.getType() == OutputType.OUTPUT_TYPE_IMAGE) {
        continue;
      }
      OutputDestination dest = OutputDestination.parse(o.getDest());
      if (!dest.viaSession()) {
        throw Status.INVALID_ARGUMENT
            .withDescription(
                "output "
                    + (i + 1)
                    + " ("
                    + o.getType()
                    + ") writes to \""
                    + o.getDest()
                    + "\" on the builder; a builder sends outputs to the client (dest - or"
                    + " client:PATH) or pushes images")
            .asException();
      }
      if (o.getType() == OutputType.OUTPUT_TYPE_LOCAL) {
        r.setOutputs(i, o.toBuilder().setType(OutputType.OUTPUT_TYPE_TAR));
      }
    }
    return r.build();
  }

  private static void refuseLocalCaches(String flag, java.util.List<CacheOption> caches)
      throws StatusException {
    for (CacheOption cache : caches) {
      if (cache.getType().equals("local")) {
        throw Status.INVALID_ARGUMENT
            .withDescription(
                flag
                    + " type=local names a directory on the builder, which a remote build may"
                    + " not reach; use type=registry (or build with --local)")
            .asException();
      }
    }
  }
}
