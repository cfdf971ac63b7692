package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderCache;
import dev.slipway.api.resource.BuilderLimits;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.api.resource.Durations;
import dev.slipway.api.resource.SlipwayResources;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The builder pods of a Builder: one StatefulSet whose pods each keep their build cache on a
 * PersistentVolumeClaim of their own, so that a restarted pod finds its cache again.
 */
public final class BuilderStatefulSet
    extends CRUDKubernetesDependentResource<StatefulSet, Builder> {

  static final String CREDENTIALS_ANNOTATION = "slipway.dev/credentials";
  static final String HEALTH_PORT_NAME = "health";
  private static final String TLS_VOLUME = "tls";
  private static final String BINFMT_VOLUME = "host-binfmt-misc";

  /** Where the engine's {@code Emulation} looks for the host's handlers. */
  static final String BINFMT_MOUNT = "/run/slipway/host-binfmt_misc";

  /**
   * What a pod gets beyond its drain before the kubelet kills it: the builder's --shutdown-timeout
   * (20 s: cancel what still runs, unmount) and some slack.
   */
  static final long STOP_MARGIN_SECONDS = 30;

  private final BuilderDefaults defaults;

  public BuilderStatefulSet(BuilderDefaults defaults) {
    super(StatefulSet.class);
    this.defaults = defaults;
  }

  @Override
  protected StatefulSet desired(Builder builder, Context<Builder> context) {
    BuilderSpec spec = builder.getSpec();
    String name = BuilderNames.statefulSet(builder);
    String image = spec.getImage() != null ? spec.getImage() : defaults.image();
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    int port = spec.getPort();
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(builder.getMetadata().getNamespace())
        .withLabels(BuilderNames.labels(builder))
        .endMetadata()
        .withNewSpec()
        .withServiceName(BuilderNames.service(name))
        .withReplicas(spec.getReplicas())
        // Builder pods are independent: start and stop them all at once when scaling. Updates are
        // not affected: a new image or resources roll one pod at a time, from the highest ordinal,
        // and the next pod goes only once its replacement is Ready (maxUnavailable stays 1).
        .withPodManagementPolicy("Parallel")
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withPartition(0)
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewSelector()
        .withMatchLabels(BuilderNames.selector(builder))
        .endSelector()
        // Caches survive scale-down (a scale-up finds them warm) but go with the Builder.
        .withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenScaled("Retain")
        .withWhenDeleted("Delete")
        .endPersistentVolumeClaimRetentionPolicy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(BuilderNames.labels(builder))
        // A renewed certificate or signing key changes this, so the pods restart and load it.
        .withAnnotations(Map.of(CREDENTIALS_ANNOTATION, fingerprint(context)))
        .endMetadata()
        .withNewSpec()
        .withNodeSelector(spec.getNodeSelector())
        .withTolerations(spec.getTolerations())
        .withEnableServiceLinks(false)
        // SIGTERM drains the builder: no new build, the running ones get spec.drainGracePeriod to
        // finish, then its --shutdown-timeout cancels the rest and releases mounts; the kubelet
        // waits this long before SIGKILL.
        .withTerminationGracePeriodSeconds(drainGrace(spec).toSeconds() + STOP_MARGIN_SECONDS)
        // The builder never calls the Kubernetes API: no ServiceAccount token for RUN steps to
        // find.
        .withAutomountServiceAccountToken(false)
        .withHostPID(false)
        .withHostIPC(false)
        .withHostNetwork(hostNetwork)
        // A host-network pod keeps cluster DNS only with this policy.
        .withDnsPolicy(hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst")
        .addNewContainer()
        .withName("builder")
        .withImage(image)
        .withArgs(arguments(builder, hostNetwork, port))
        .withEnv(environment(spec))
        .addNewPort()
        .withName(SlipwayResources.BUILDER_PORT_NAME)
        .withContainerPort(port)
        .endPort()
        .addNewPort()
        .withName(HEALTH_PORT_NAME)
        .withContainerPort(BuilderNames.healthPort(port))
        .endPort()
        .withResources(spec.getResources())
        // The engine mounts overlayfs snapshots and runs RUN steps in their own namespaces with
        // runc, under cgroups it creates: it needs the privileges of a container runtime
        // (docs/security.md says exactly which). RUN steps get their own
        // seccomp profile and no_new_privs from the engine's OCI spec.
        .withNewSecurityContext()
        .withPrivileged(true)
        .endSecurityContext()
        // The kubelet's gRPC probes speak no TLS: probe the builder's HTTP health endpoint.
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/readyz")
        .withNewPort(HEALTH_PORT_NAME)
        .endHttpGet()
        .withPeriodSeconds(5)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withNewPort(HEALTH_PORT_NAME)
        .endHttpGet()
        .withPeriodSeconds(20)
        .withFailureThreshold(6)
        .endLivenessProbe()
        .addNewVolumeMount()
        .withName(BuilderNames.CACHE_VOLUME)
        .withMountPath(BuilderNames.STATE_DIR)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(TLS_VOLUME)
        .withMountPath(BuilderNames.TLS_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        // The host's QEMU binfmt_misc handlers, read-only, so the builder can tell which foreign
        // platforms it runs (a container's fresh /proc has no binfmt_misc mounted).
        .addNewVolumeMount()
        .withName(BINFMT_VOLUME)
        .withMountPath(BINFMT_MOUNT)
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName(BINFMT_VOLUME)
        .withNewHostPath()
        .withPath("/proc/sys/fs/binfmt_misc")
        .endHostPath()
        .endVolume()
        .addNewVolume()
        .withName(TLS_VOLUME)
        .withNewSecret()
        .withSecretName(BuilderNames.tlsSecret(name))
        // Only what the builder needs (the CA certificate to check its peers' certificates), and
        // nothing added to the Secret.
        .withItems(
            item(BuilderNames.AUTH_PUBLIC_KEY),
            item(BuilderNames.CA_CERT),
            item(BuilderNames.TLS_CERT),
            item(BuilderNames.TLS_KEY))
        .withDefaultMode(0400)
        .endSecret()
        .endVolume()
        .endSpec()
        .endTemplate()
        .withVolumeClaimTemplates(cacheClaim(builder, context))
        .endSpec()
        .build();
  }

  /**
   * The cache claim template. Kubernetes refuses changes to volumeClaimTemplates, so once the
   * StatefulSet exists its template is kept; a new size applies to Builders created afterwards.
   */
  private PersistentVolumeClaim cacheClaim(Builder builder, Context<Builder> context) {
    var existing =
        context.getSecondaryResources(StatefulSet.class).stream()
            .filter(s -> s.getMetadata().getName().equals(BuilderNames.statefulSet(builder)))
            .findFirst()
            .map(s -> s.getSpec().getVolumeClaimTemplates())
            .filter(t -> !t.isEmpty());
    if (existing.isPresent()) {
      return existing.get().get(0);
    }
    BuilderCache cache =
        builder.getSpec().getCache() != null ? builder.getSpec().getCache() : new BuilderCache();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(BuilderNames.CACHE_VOLUME)
        .withLabels(BuilderNames.labels(builder))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(cache.getStorageClassName())
        .withNewResources()
        .addToRequests("storage", cache.getSize())
        .endResources()
        .endSpec()
        .build();
  }

  private static KeyToPath item(String key) {
    return new KeyToPathBuilder().withKey(key).withPath(key).build();
  }

  private static String fingerprint(Context<Builder> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .get(BuilderReconciler.CREDENTIALS_FINGERPRINT, String.class)
        .orElse("");
  }

  private static List<String> arguments(Builder builder, boolean hostNetwork, int port) {
    List<String> args = new ArrayList<>(List.of("--listen"));
    int health = BuilderNames.healthPort(port);
    if (hostNetwork) {
      // In the node's network, listen on the node's address (the kubelet expands $(POD_IP)) and
      // on its loopback, where port-forwards arrive, but not on all of its interfaces. (On a
      // cluster whose nodes are 127.0.0.i the builder leaves 127.0.0.1 to node 1's pod.)
      args.addAll(List.of("$(POD_IP):" + port, "--listen", "127.0.0.1:" + port));
      args.addAll(List.of("--metrics-listen", "$(POD_IP):" + health));
    } else {
      args.add("0.0.0.0:" + port);
      args.addAll(List.of("--metrics-listen", "0.0.0.0:" + health));
    }
    args.addAll(
        List.of(
            "--state",
            BuilderNames.STATE_DIR,
            // Callers need a grant the operator signed for this Builder; TLS with its certificate.
            "--auth-public-key",
            BuilderNames.TLS_DIR + "/" + BuilderNames.AUTH_PUBLIC_KEY,
            "--auth-audience",
            BuilderNames.audience(
                builder.getMetadata().getNamespace(), builder.getMetadata().getName()),
            "--tls-cert",
            BuilderNames.TLS_DIR + "/" + BuilderNames.TLS_CERT,
            "--tls-key",
            BuilderNames.TLS_DIR + "/" + BuilderNames.TLS_KEY,
            // Peers (the Builder's other pods) are trusted when they hold the Builder's
            // certificate, which names the Service.
            "--peer-ca",
            BuilderNames.TLS_DIR + "/" + BuilderNames.CA_CERT,
            "--peer-tls-name",
            BuilderNames.service(builder.getMetadata().getName())
                + "."
                + builder.getMetadata().getNamespace()
                + ".svc"));
    return args;
  }

  /** Builder settings that are per pod rather than per build. */
  private static List<EnvVar> environment(BuilderSpec spec) {
    List<EnvVar> env = new ArrayList<>();
    env.add(
        new EnvVarBuilder()
            .withName("POD_IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .build());
    env.add(var("SLIPWAY_MAX_PARALLEL_BUILDS", String.valueOf(spec.getMaxParallelBuilds())));
    env.add(var("SLIPWAY_DRAIN_TIMEOUT", drainGrace(spec).toSeconds() + "s"));
    if (Boolean.TRUE.equals(spec.getAllowInsecureEntitlement())) {
      env.add(var("SLIPWAY_ALLOW_INSECURE_ENTITLEMENT", true));
    }
    BuilderCache cache = spec.getCache();
    if (cache != null) {
      Quantity keep = cache.getKeepBytes();
      if (keep != null) {
        env.add(var("SLIPWAY_CACHE_KEEP_BYTES", Quantity.getAmountInBytes(keep).toBigInteger()));
      }
      if (cache.getKeepDuration() != null) {
        env.add(var("SLIPWAY_CACHE_KEEP_DURATION", cache.getKeepDuration()));
      }
    }
    BuilderLimits limits = spec.getLimits();
    if (limits != null) {
      bytes(env, "SLIPWAY_MAX_DOWNLOAD_BYTES", limits.getMaxDownloadSize());
      bytes(env, "SLIPWAY_MAX_ARCHIVE_BYTES", limits.getMaxArchiveSize());
      bytes(env, "SLIPWAY_MAX_LOG_BYTES_PER_STEP", limits.getMaxLogSizePerStep());
    }
    return env;
  }

  /**
   * How long a pod that got SIGTERM may finish its builds.
   *
   * @throws IllegalArgumentException if spec.drainGracePeriod is not a duration (the CRD's pattern
   *     lets few such through)
   */
  public static Duration drainGrace(BuilderSpec spec) {
    String value = spec.getDrainGracePeriod();
    return Durations.parse(
        "spec.drainGracePeriod", value == null ? BuilderSpec.DEFAULT_DRAIN_GRACE_PERIOD : value);
  }

  /** A limit in bytes, when the Builder sets it; unset, the builder's default applies. */
  private static void bytes(List<EnvVar> env, String name, Quantity size) {
    if (size != null) {
      env.add(var(name, Quantity.getAmountInBytes(size).toBigInteger()));
    }
  }

  private static EnvVar var(String name, Object value) {
    return new EnvVarBuilder().withName(name).withValue(String.valueOf(value)).build();
  }
}
