package dev.slipway.operator.build;

import dev.slipway.api.control.v1.PlatformResult;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.BuildResultStatus;
import dev.slipway.api.resource.BuildSteps;
import dev.slipway.api.resource.PlatformBuildStatus;
import dev.slipway.operator.kube.Conditions;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.time.Instant;
import java.util.Objects;

/** Builds the next status of a BuildRequest from the current one, and writes it. */
final class BuildStatuses {

  /** The condition {@code kubectl wait --for=condition=Succeeded} waits for. */
  static final String SUCCEEDED = "Succeeded";

  private BuildStatuses() {}

  static BuildRequestStatus copy(BuildRequest request) {
    return request.getStatus() == null ? new BuildRequestStatus() : copy(request.getStatus());
  }

  private static BuildRequestStatus copy(BuildRequestStatus status) {
    return Serialization.unmarshal(Serialization.asJson(status), BuildRequestStatus.class);
  }

  /** Attempts started so far. */
  static int attempts(BuildRequest request) {
    return request.getStatus() == null || request.getStatus().getAttempts() == null
        ? 0
        : request.getStatus().getAttempts();
  }

  /**
   * Patches the status, unless it is unchanged, and keeps the cache and {@code request} current.
   * The request gets a copy: a caller that goes on editing {@code status} and writes it again must
   * find the request still holding what was written, or the second write would look unchanged.
   */
  static void write(
      BuildRequest request, Context<BuildRequest> context, BuildRequestStatus status) {
    if (same(request.getStatus(), status)) {
      return;
    }
    PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
        request,
        context,
        r -> {
          r.setStatus(status);
          return r;
        });
    request.setStatus(copy(status));
  }

  static boolean same(BuildRequestStatus a, BuildRequestStatus b) {
    return a != null && Serialization.asJson(a).equals(Serialization.asJson(b));
  }

  /**
   * Moves the request to the change's phase: sets phase, message and conditions, writes the status
   * and, when the stored status had another phase or outcome, records the change's Event.
   */
  static void change(
      BuildRequest request,
      Context<BuildRequest> context,
      BuildRequestStatus status,
      PhaseChange change) {
    BuildRequestStatus stored = request.getStatus();
    phase(request, status, change);
    write(request, context, status);
    PhaseEvents.record(context.getClient(), request, stored, change);
  }

  /**
   * A spec changed after the build ended (spec.cancel set late, say): its outcome stands, and the
   * status and conditions say they describe the new generation, as {@code kubectl wait} requires.
   */
  static void observe(BuildRequest request, Context<BuildRequest> context) {
    Long generation = request.getMetadata().getGeneration();
    if (generation == null
        || Objects.equals(generation, request.getStatus().getObservedGeneration())) {
      return;
    }
    BuildRequestStatus status = copy(request);
    status.setObservedGeneration(generation);
    if (status.getConditions() != null) {
      status.getConditions().forEach(c -> c.setObservedGeneration(generation));
    }
    write(request, context, status);
  }

  /** Sets phase and message, and the conditions that follow from the change. */
  private static void phase(BuildRequest request, BuildRequestStatus status, PhaseChange change) {
    Long generation = request.getMetadata().getGeneration();
    BuildPhase phase = change.phase();
    String message = change.message();
    status.setObservedGeneration(generation);
    status.setPhase(phase);
    status.setMessage(message);
    boolean scheduled =
        phase == BuildPhase.RUNNING || phase.isFinal() && status.getBuilderPod() != null;
    var placement = status.getPlacement();
    boolean placed = scheduled && placement != null && placement.getReason() != null;
    var c = status.getConditions();
    c =
        Conditions.set(
            c,
            "Scheduled",
            scheduled,
            // why the pod was chosen: CacheAffinity or LeastLoaded
            change.invalid()
                ? PhaseChange.INVALID
                : placed ? placement.getReason() : scheduled ? "Placed" : phase.wireName(),
            placed ? placement.getMessage() : message,
            generation);
    c =
        Conditions.set(
            c, "Running", phase == BuildPhase.RUNNING, phase.wireName(), message, generation);
    c =
        Conditions.set(
            c, "Complete", phase == BuildPhase.SUCCEEDED, phase.wireName(), message, generation);
    c =
        Conditions.set(
            c, SUCCEEDED, succeeded(change), succeededReason(change), message, generation);
    status.setConditions(c);
    if (phase != BuildPhase.QUEUED) {
      status.setQueuePosition(null);
    }
    if (phase.isFinal() && status.getCompletionTime() == null) {
      status.setCompletionTime(Instant.now().toString());
    }
  }

  /** True once built, False once it failed, was cancelled or is invalid, else Unknown. */
  private static String succeeded(PhaseChange change) {
    if (change.phase() == BuildPhase.SUCCEEDED) {
      return Conditions.TRUE;
    }
    return change.phase().isFinal() || change.invalid() ? Conditions.FALSE : Conditions.UNKNOWN;
  }

  /** The ending's reason once it is decided; until then the phase it waits or runs in. */
  private static String succeededReason(PhaseChange change) {
    return change.phase().isFinal() || change.invalid()
        ? change.reason()
        : change.phase().wireName();
  }

  /** Each platform image's digests, into the entry of its platform (kept: builder, child). */
  private static void platforms(BuildRequestStatus status, java.util.List<PlatformResult> results) {
    if (results.isEmpty()) {
      return;
    }
    var platforms =
        status.getPlatforms() == null
            ? new java.util.ArrayList<PlatformBuildStatus>()
            : status.getPlatforms();
    for (PlatformResult result : results) {
      PlatformBuildStatus entry =
          platforms.stream()
              .filter(p -> result.getPlatform().equals(p.getPlatform()))
              .findFirst()
              .orElseGet(
                  () -> {
                    PlatformBuildStatus added = new PlatformBuildStatus();
                    added.setPlatform(result.getPlatform());
                    platforms.add(added);
                    return added;
                  });
      entry.setPhase(BuildPhase.SUCCEEDED);
      entry.setDigest(result.getDigest().isEmpty() ? entry.getDigest() : result.getDigest());
      if (!result.getAttestationDigest().isEmpty()) {
        entry.setAttestationDigest(result.getAttestationDigest());
      }
    }
    status.setPlatforms(platforms);
  }

  static void progress(BuildRequestStatus status, BuildRun.Snapshot snapshot) {
    BuildSteps steps = new BuildSteps();
    steps.setTotal(snapshot.stepsTotal());
    steps.setDone(snapshot.stepsDone());
    steps.setCached(snapshot.stepsCached());
    if (snapshot.result() != null) {
      var r = snapshot.result();
      steps.setTotal(Math.max(snapshot.stepsTotal(), r.getStepsTotal()));
      steps.setCached(Math.max(snapshot.stepsCached(), r.getStepsCached()));
      steps.setDone(steps.getTotal());
      BuildResultStatus result = new BuildResultStatus();
      result.setDigest(r.getImageDigest());
      result.setRefs(r.getRefsList().isEmpty() ? null : r.getRefsList());
      result.setImage(r.getRefsCount() > 0 ? r.getRefs(0).replaceFirst("@sha256:.*$", "") : null);
      result.setSizeBytes(r.getSizeBytes());
      status.setResult(result);
      platforms(status, r.getPlatformsList());
    }
    status.setSteps(steps);
  }
}
