package dev.slipway.cli.cluster;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.HistoryLogsRequest;
import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.InspectHistoryRequest;
import dev.slipway.api.control.v1.RemoveHistoryRequest;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.cli.history.HistoryException;
import dev.slipway.cli.history.HistorySource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The history of a cluster namespace: its finished BuildRequests, listed from their status (no pod
 * is asked), and each one's full record and log read from the pod its {@code status.historyRef}
 * names, through a tunnel with that request's own grant, so a user reaches only the records of the
 * requests whose session Secret they may read. Ids here are BuildRequest names.
 */
public final class ClusterHistory implements HistorySource {
  private final ClusterConnection cluster;
  private final Function<BuildRequest, BuilderTunnel> tunnels;

  public ClusterHistory(ClusterConnection cluster) {
    this(
        cluster,
        request ->
            BuilderTunnel.open(cluster, request, ref(request).pod(), ref(request).buildId()));
  }

  ClusterHistory(ClusterConnection cluster, Function<BuildRequest, BuilderTunnel> tunnels) {
    this.cluster = cluster;
    this.tunnels = tunnels;
  }

  @Override
  public List<HistoryRecord> list() {
    return cluster
        .client()
        .resources(BuildRequest.class)
        .inNamespace(cluster.namespace())
        .list()
        .getItems()
        .stream()
        .filter(b -> BuildOutcome.isFinal(b) && b.getStatus().getHistoryRef() != null)
        .map(ClusterHistory::summary)
        .sorted(
            Comparator.<HistoryRecord>comparingLong(r -> r.getCompleted().getSeconds())
                .thenComparingInt(r -> r.getCompleted().getNanos())
                .reversed()
                .thenComparing(HistoryRecord::getBuildId))
        .toList();
  }

  /** What the request's status tells of its build, with the request's name as id. */
  static HistoryRecord summary(BuildRequest b) {
    BuildRequestStatus s = b.getStatus();
    HistoryRecord.Builder r =
        HistoryRecord.newBuilder().setBuildId(b.getMetadata().getName()).setName(image(b));
    r.setState(state(s.getPhase()));
    timestamp(s.getStartTime()).ifPresent(r::setStarted);
    timestamp(s.getCompletionTime()).ifPresent(r::setCompleted);
    if (s.getSteps() != null) {
      int total = s.getSteps().getTotal() == null ? 0 : s.getSteps().getTotal();
      int cached = s.getSteps().getCached() == null ? 0 : s.getSteps().getCached();
      int done = s.getSteps().getDone() == null ? 0 : s.getSteps().getDone();
      r.setStepsTotal(total).setStepsCached(cached).setStepsExecuted(Math.max(0, done - cached));
    }
    if (s.getResult() != null) {
      if (s.getResult().getDigest() != null) {
        r.setImageDigest(s.getResult().getDigest());
      }
      if (s.getResult().getRefs() != null) {
        r.addAllRefs(s.getResult().getRefs());
      }
    }
    return r.build();
  }

  @Override
  public HistoryRecord inspect(String name) {
    BuildRequest request = finished(name);
    return call(
        request,
        tunnel ->
            tunnel
                .builder()
                .control()
                .inspectHistory(
                    InspectHistoryRequest.newBuilder().setBuildId(ref(request).buildId()).build()));
  }

  @Override
  public void logs(String name, Consumer<SolveEvent> events) {
    BuildRequest request = finished(name);
    call(
        request,
        tunnel -> {
          tunnel
              .builder()
              .control()
              .historyLogs(
                  HistoryLogsRequest.newBuilder().setBuildId(ref(request).buildId()).build())
              .forEachRemaining(events);
          return null;
        });
  }

  /**
   * Removes the records on the pods; the BuildRequests stay (kubectl delete removes them), so their
   * summaries stay listed. One that cannot be removed (its grant expired, its pod is gone) is
   * reported and the others still are; a record already gone is no failure.
   */
  @Override
  public List<String> remove(List<String> names, Consumer<String> failures) {
    List<String> removed = new ArrayList<>();
    for (String name : names) {
      try {
        BuildRequest request = finished(name);
        // a record the pod no longer keeps (removed before, pushed out) is not removed again
        boolean gone =
            call(
                request,
                tunnel ->
                    tunnel
                            .builder()
                            .control()
                            .removeHistory(
                                RemoveHistoryRequest.newBuilder()
                                    .addBuildIds(ref(request).buildId())
                                    .build())
                            .getRemovedCount()
                        > 0);
        if (gone) {
          removed.add(name);
        }
      } catch (HistoryException | ClusterException | KubernetesClientException e) {
        failures.accept(name + ": " + e.getMessage());
      }
    }
    return removed;
  }

  @Override
  public void close() {
    cluster.close();
  }

  @Override
  public String listCommand() {
    return "slipway history ls";
  }

  private BuildRequest finished(String name) {
    BuildRequest request = Builds.get(cluster, name);
    if (!BuildOutcome.isFinal(request) || request.getStatus().getHistoryRef() == null) {
      throw new HistoryException(
          "BuildRequest "
              + name
              + " has not finished on a builder pod (it has no status.historyRef); slipway logs "
              + name
              + " follows it while it runs");
    }
    return request;
  }

  private <T> T call(BuildRequest request, Function<BuilderTunnel, T> rpc) {
    HistoryRef ref = ref(request);
    try (BuilderTunnel tunnel = tunnels.apply(request)) {
      return rpc.apply(tunnel);
    } catch (StatusRuntimeException e) {
      String where = " on builder pod " + cluster.namespace() + "/" + ref.pod();
      if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
        throw new HistoryException(
            "the grant of BuildRequest "
                + request.getMetadata().getName()
                + " no longer opens its record"
                + where
                + " ("
                + e.getStatus().getDescription()
                + "): a build's grant expires shortly after its deadline; its summary stays in"
                + " slipway history ls");
      }
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new HistoryException(
            "the record of build "
                + ref.buildId()
                + where
                + " is gone (removed, or pushed out by newer builds: a pod keeps its newest 100);"
                + " its summary stays in slipway history ls");
      }
      throw new HistoryException(
          "reading the history"
              + where
              + " failed: "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : ": " + e.getStatus().getDescription()));
    }
  }

  /** {@code status.historyRef} is {@code BUILDER-POD/BUILD-ID}; it must name this attempt. */
  static HistoryRef ref(BuildRequest request) {
    String ref = request.getStatus().getHistoryRef();
    int slash = ref == null ? -1 : ref.indexOf('/');
    if (slash <= 0 || slash == ref.length() - 1) {
      throw new HistoryException(
          "BuildRequest "
              + request.getMetadata().getName()
              + " has status.historyRef \""
              + ref
              + "\", not BUILDER-POD/BUILD-ID; it was not written by the Slipway operator");
    }
    return new HistoryRef(ref.substring(0, slash), ref.substring(slash + 1));
  }

  record HistoryRef(String pod, String buildId) {}

  private static BuildState state(BuildPhase phase) {
    if (phase == null) {
      return BuildState.BUILD_STATE_UNSPECIFIED;
    }
    return switch (phase) {
      case SUCCEEDED -> BuildState.BUILD_STATE_SUCCEEDED;
      case CANCELLED -> BuildState.BUILD_STATE_CANCELLED;
      case FAILED -> BuildState.BUILD_STATE_FAILED;
      default -> BuildState.BUILD_STATE_RUNNING;
    };
  }

  private static String image(BuildRequest b) {
    List<BuildOutput> outputs = b.getSpec() == null ? null : b.getSpec().getOutputs();
    if (outputs != null && !outputs.isEmpty() && outputs.get(0).getNames() != null) {
      if (!outputs.get(0).getNames().isEmpty()) {
        return outputs.get(0).getNames().get(0);
      }
    }
    return "";
  }

  private static java.util.Optional<Timestamp> timestamp(String rfc3339) {
    if (rfc3339 == null) {
      return java.util.Optional.empty();
    }
    try {
      Instant i = Instant.parse(rfc3339);
      return java.util.Optional.of(
          Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build());
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }
}
