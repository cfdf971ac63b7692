package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.OutputType;
import dev.slipway.api.resource.PlatformBuildStatus;
import dev.slipway.operator.kube.KubeEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Runs a BuildRequest split per platform ({@link PlatformPlan.Split}): creates one child per
 * platform (once: the status names them before they exist, and they are found by name), mirrors
 * their phase and digests into status.platforms, fails when one fails and cancels the others. When
 * every child succeeded the parent goes on to its own Solve, which assembles the index from the
 * children's pushed digests ({@link #assemblyParts}).
 */
final class PlatformSplit {

  private static final Logger LOG = Logger.getLogger(PlatformSplit.class);

  /** Looks at the children again even without a wake-up from one of them. */
  static final Duration RECHECK = Duration.ofSeconds(5);

  /** The reason of a split request's move to Running (each part's creation is a PlatformSplit). */
  private static final String SPLIT = "SplitByPlatform";

  private final BuildEndings endings;

  PlatformSplit(BuildEndings endings) {
    this.endings = endings;
  }

  /** Whether the request was split: its status names its children. */
  static boolean isSplit(BuildRequest request) {
    BuildRequestStatus status = request.getStatus();
    return status != null
        && status.getPlatforms() != null
        && status.getPlatforms().stream().anyMatch(p -> p.getBuildRequest() != null);
  }

  /** Whether every child of a split request succeeded, as its status last saw them. */
  static boolean partsBuilt(BuildRequest request) {
    return request.getStatus().getPlatforms().stream()
        .allMatch(p -> p.getPhase() == BuildPhase.SUCCEEDED);
  }

  /** Records where each platform of a build that is not split is built, once. */
  static void recordTogether(
      BuildRequest request, Context<BuildRequest> context, PlatformPlan.Together plan) {
    if (request.getStatus() != null && request.getStatus().getPlatforms() != null) {
      return;
    }
    BuildRequestStatus status = BuildStatuses.copy(request);
    status.setPlatforms(
        plan.parts().stream().map(p -> platformStatus(p, null)).collect(Collectors.toList()));
    BuildStatuses.write(request, context, status);
  }

  /**
   * Starts or follows the children of a split request.
   *
   * @param split the plan, used only the first time: later the status is the plan
   * @return empty once every child succeeded: the parent then assembles the index
   */
  Optional<UpdateControl<BuildRequest>> follow(
      BuildRequest request, Context<BuildRequest> context, PlatformPlan.Split split) {
    KubernetesClient kube = context.getClient();
    String namespace = request.getMetadata().getNamespace();
    BuildRequestStatus status = BuildStatuses.copy(request);
    if (!isSplit(request)) {
      String parent = request.getMetadata().getName();
      status.setPlatforms(
          split.parts().stream()
              .map(p -> platformStatus(p, PlatformChildren.name(parent, p.platform())))
              .collect(Collectors.toList()));
      status.setStartTime(Instant.now().toString());
      // The children's names are in the status before any exists: a restarted operator finds
      // them instead of creating them twice.
      BuildStatuses.change(
          request,
          context,
          status,
          PhaseChange.progress(BuildPhase.RUNNING, SPLIT, "splitting the build across Builders"));
    }
    Map<String, BuildRequest> children = new HashMap<>();
    for (PlatformBuildStatus part : status.getPlatforms()) {
      // a part with a phase was created and seen once: when it is gone, it was deleted, and
      // creating it again would hide that (the cache may lag, so the API answers)
      Optional<BuildRequest> child =
          context
              .getPrimaryCache()
              .get(new ResourceID(part.getBuildRequest(), namespace))
              .or(
                  () ->
                      part.getPhase() == null
                          ? create(request, part, kube)
                          : read(part, namespace, kube));
      if (child.isEmpty() || !PlatformChildren.isChild(child.get(), request, planned(part))) {
        return Optional.of(
            failed(
                request,
                context,
                status,
                part,
                child.isEmpty()
                    ? "it was deleted while the build ran"
                    : "a BuildRequest of that name exists and is not this build's part for the"
                        + " platform (another owner, or a spec changed since); delete it or rename"
                        + " this one, then build again"));
      }
      mirror(part, child.get());
      children.put(part.getBuildRequest(), child.get());
    }
    Optional<PlatformBuildStatus> failedPart =
        status.getPlatforms().stream()
            .filter(p -> p.getPhase() == BuildPhase.FAILED || p.getPhase() == BuildPhase.CANCELLED)
            .findFirst();
    if (failedPart.isPresent()) {
      BuildRequest child = children.get(failedPart.get().getBuildRequest());
      String why = child.getStatus() == null ? "" : child.getStatus().getMessage();
      return Optional.of(failed(request, context, status, failedPart.get(), why));
    }
    long done =
        status.getPlatforms().stream().filter(p -> p.getPhase() == BuildPhase.SUCCEEDED).count();
    if (done == status.getPlatforms().size()) {
      // the parent's own Solve is next (queued or placed, which says so in the status)
      BuildStatuses.write(request, context, status);
      return Optional.empty();
    }
    // the parts' progress: an Event only for a request that was not Running yet
    BuildStatuses.change(
        request,
        context,
        status,
        PhaseChange.progress(BuildPhase.RUNNING, SPLIT, progress(status.getPlatforms())));
    return Optional.of(UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(RECHECK));
  }

  private static String progress(List<PlatformBuildStatus> parts) {
    return "building "
        + parts.size()
        + " platforms: "
        + parts.stream()
            .map(
                p ->
                    p.getPlatform()
                        + " "
                        + (p.getPhase() == null ? "Pending" : p.getPhase().wireName())
                        + " on Builder "
                        + p.getBuilder())
            .collect(Collectors.joining(", "));
  }

  /** Creates the child; one that exists already (a cache behind the API) is read back. */
  private static Optional<BuildRequest> create(
      BuildRequest parent, PlatformBuildStatus part, KubernetesClient kube) {
    BuildRequest child = PlatformChildren.child(parent, planned(part));
    try {
      BuildRequest created = kube.resource(child).create();
      KubeEvents.normal(
          kube,
          parent,
          "PlatformSplit",
          "created BuildRequest "
              + child.getMetadata().getName()
              + " for "
              + part.getPlatform()
              + " on Builder "
              + part.getBuilder()
              + (Boolean.TRUE.equals(part.getNativeBuild()) ? " (native)" : " (emulated)"));
      LOG.infof(
          "build %s/%s: %s goes to Builder %s as %s",
          parent.getMetadata().getNamespace(),
          parent.getMetadata().getName(),
          part.getPlatform(),
          part.getBuilder(),
          child.getMetadata().getName());
      return Optional.of(created);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return read(part, child.getMetadata().getNamespace(), kube);
    }
  }

  private static Optional<BuildRequest> read(
      PlatformBuildStatus part, String namespace, KubernetesClient kube) {
    return Optional.ofNullable(
        kube.resources(BuildRequest.class)
            .inNamespace(namespace)
            .withName(part.getBuildRequest())
            .get());
  }

  private static void mirror(PlatformBuildStatus part, BuildRequest child) {
    BuildRequestStatus s = child.getStatus();
    if (s == null || s.getPhase() == null) {
      part.setPhase(BuildPhase.PENDING);
      return;
    }
    part.setPhase(s.getPhase());
    List<PlatformBuildStatus> own = s.getPlatforms();
    PlatformBuildStatus built = own == null || own.isEmpty() ? null : own.getFirst();
    if (built != null && built.getDigest() != null) {
      part.setDigest(built.getDigest());
      part.setAttestationDigest(built.getAttestationDigest());
    } else if (s.getResult() != null) {
      part.setDigest(s.getResult().getDigest());
    }
  }

  private UpdateControl<BuildRequest> failed(
      BuildRequest request,
      Context<BuildRequest> context,
      BuildRequestStatus status,
      PlatformBuildStatus part,
      String why) {
    cancelChildren(request, context.getClient(), "platform " + part.getPlatform() + " failed");
    return endings.finish(
        request,
        context,
        status,
        BuildEnding.platformFailed(part.getPlatform(), part.getBuildRequest(), why));
  }

  /** Sets spec.cancel on every unfinished child (the children's own reconciles stop them). */
  static void cancelChildren(BuildRequest request, KubernetesClient kube, String why) {
    if (!isSplit(request)) {
      return;
    }
    for (PlatformBuildStatus part : request.getStatus().getPlatforms()) {
      if (part.getPhase() != null && part.getPhase().isFinal()) {
        continue;
      }
      try {
        BuildRequest child =
            kube.resources(BuildRequest.class)
                .inNamespace(request.getMetadata().getNamespace())
                .withName(part.getBuildRequest())
                .get();
        if (child != null
            && PlatformChildren.ownedBy(child, request)
            && (child.getStatus() == null
                || child.getStatus().getPhase() == null
                || !child.getStatus().getPhase().isFinal())) {
          kube.resource(child)
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");
          LOG.infof(
              "build %s/%s: cancelling %s (%s)",
              request.getMetadata().getNamespace(),
              request.getMetadata().getName(),
              part.getBuildRequest(),
              why);
        }
      } catch (KubernetesClientException e) {
        LOG.infof("could not cancel %s: %s", part.getBuildRequest(), e.getMessage());
      }
    }
  }

  /** Deletes the children of a request being deleted (their own cleanup stops their builds). */
  static void deleteChildren(BuildRequest request, KubernetesClient kube) {
    if (!isSplit(request)) {
      return;
    }
    kube
        .resources(BuildRequest.class)
        .inNamespace(request.getMetadata().getNamespace())
        .withLabel(
            PlatformChildren.PARENT_LABEL,
            PlatformChildren.parentLabel(request.getMetadata().getName()))
        .list()
        .getItems()
        .stream()
        .filter(child -> PlatformChildren.ownedBy(child, request))
        .forEach(child -> kube.resource(child).delete());
  }

  /**
   * The index's parts for the parent's assembling Solve: {@code REPO@<digest>} of each child's
   * pushed image (manifest, or index when it has attestations), in the order of the platforms.
   */
  static List<String> assemblyParts(BuildRequest request, KubernetesClient kube) {
    String repository =
        request.getSpec().getOutputs().stream()
            .filter(o -> o.getType() == OutputType.IMAGE)
            .map(BuildOutput::getNames)
            .flatMap(List::stream)
            .map(PlatformChildren::repository)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("a split build has an image output"));
    List<String> parts = new ArrayList<>();
    for (PlatformBuildStatus part : request.getStatus().getPlatforms()) {
      BuildRequest child =
          kube.resources(BuildRequest.class)
              .inNamespace(request.getMetadata().getNamespace())
              .withName(part.getBuildRequest())
              .get();
      if (child == null
          || !PlatformChildren.isChild(child, request, planned(part))
          || child.getStatus() == null
          || child.getStatus().getPhase() != BuildPhase.SUCCEEDED
          || child.getStatus().getResult() == null
          || child.getStatus().getResult().getDigest() == null) {
        throw new IllegalStateException(
            "the part of "
                + part.getPlatform()
                + " (BuildRequest "
                + part.getBuildRequest()
                + ") has no pushed image to assemble");
      }
      parts.add(repository + "@" + child.getStatus().getResult().getDigest());
    }
    return parts;
  }

  private static PlatformPlan.Part planned(PlatformBuildStatus part) {
    return new PlatformPlan.Part(
        part.getPlatform(), part.getBuilder(), Boolean.TRUE.equals(part.getNativeBuild()));
  }

  private static PlatformBuildStatus platformStatus(PlatformPlan.Part part, String child) {
    PlatformBuildStatus status = new PlatformBuildStatus();
    status.setPlatform(part.platform());
    status.setBuilder(part.builder());
    status.setNativeBuild(part.nativeBuild());
    status.setBuildRequest(child);
    return status;
  }
}
