package dev.slipway.operator.output;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.session.serving.OutputFrames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The short-lived pod that writes a GitOps build's outputs into the request's claims. It runs in
 * the request's namespace (so it can mount only that namespace's claims, never another team's),
 * from the builder's image, as a non-root user with no capabilities, no service account token and a
 * read-only root; it idles until the operator execs {@code VolumeWriter} in it once per output and
 * streams the bytes the builder sent over the build's session to its standard input. The
 * BuildRequest owns it, so deleting the request deletes it; the operator deletes it when the build
 * ends, and it stops by itself after the build's deadline.
 */
public final class VolumeWriterPod {

  /** Names the request (its uid) whose outputs a writer pod writes. */
  public static final String WRITER_OF = "slipway.dev/output-writer-of";

  static final String VOLUMES = "/slipway/volumes/";
  static final long USER = 65532;
  private static final String JAR = "/opt/slipway/builder/slipway-builder.jar";
  private static final int STDERR_LIMIT = 4096;

  private final KubernetesClient kube;
  private final String namespace;
  private final String name;
  private final String owner;

  private VolumeWriterPod(KubernetesClient kube, String namespace, String name, String owner) {
    this.kube = kube;
    this.namespace = namespace;
    this.name = name;
    this.owner = owner;
  }

  /** The pod's name for the request's attempt (a retry gets a fresh pod). */
  static String name(BuildRequest request, int attempt) {
    String base = request.getMetadata().getName();
    return base.substring(0, Math.min(base.length(), 200)) + "-output-" + attempt;
  }

  /**
   * The writer pod of the request's attempt.
   *
   * @param builderPods the builder pods' spec: their image and pull policy, and whether they use
   *     the node's network (on a cluster without a pod network no other pod can start)
   */
  public static Pod desired(
      BuildRequest request, int attempt, PodSpec builderPods, List<String> claims) {
    Container builderContainer = builderPods.getContainers().getFirst();
    long deadline =
        request.getSpec().getTimeoutSeconds() == null
            ? 3600
            : request.getSpec().getTimeoutSeconds();
    var volumes = new ArrayList<io.fabric8.kubernetes.api.model.Volume>();
    var mounts = new ArrayList<io.fabric8.kubernetes.api.model.VolumeMount>();
    for (int i = 0; i < claims.size(); i++) {
      volumes.add(
          new VolumeBuilder()
              .withName("volume-" + i)
              .withNewPersistentVolumeClaim(claims.get(i), false)
              .build());
      mounts.add(
          new VolumeMountBuilder().withName("volume-" + i).withMountPath(VOLUMES + i).build());
    }
    volumes.add(
        new VolumeBuilder()
            .withName("tmp")
            .withNewEmptyDir()
            .withSizeLimit(new Quantity("16Mi"))
            .endEmptyDir()
            .build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    return new PodBuilder()
        .withNewMetadata()
        .withName(name(request, attempt))
        .withNamespace(request.getMetadata().getNamespace())
        .withLabels(
            Map.of(
                WRITER_OF,
                request.getMetadata().getUid(),
                "app.kubernetes.io/managed-by",
                "slipway-operator",
                "app.kubernetes.io/component",
                "output-writer"))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(request.getApiVersion())
                .withKind(request.getKind())
                .withName(request.getMetadata().getName())
                .withUid(request.getMetadata().getUid())
                .withController(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        // It needs no network, but a pod gets the cluster's unless it takes the node's.
        .withHostNetwork(Boolean.TRUE.equals(builderPods.getHostNetwork()) ? true : null)
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(1L)
        // A backstop: a writer the operator never got to delete stops with the build's deadline.
        .withActiveDeadlineSeconds(deadline + 300)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(USER)
        .withRunAsGroup(USER)
        .withFsGroup(USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("writer")
        .withImage(builderContainer.getImage())
        .withImagePullPolicy(builderContainer.getImagePullPolicy())
        .withCommand("sleep", String.valueOf(deadline + 300))
        .withVolumeMounts(mounts)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withPrivileged(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("128Mi")))
        .withLimits(Map.of("memory", new Quantity("256Mi")))
        .endResources()
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .build();
  }

  /**
   * Creates the pod (kept if it exists: an operator restarted mid-build created it; {@link #open}
   * refuses one the request does not own, which anyone who may create pods could have planted).
   */
  public static VolumeWriterPod create(KubernetesClient kube, Pod desired) {
    var pods = kube.pods().inNamespace(desired.getMetadata().getNamespace());
    if (pods.withName(desired.getMetadata().getName()).get() == null) {
      pods.resource(desired).create();
    }
    return new VolumeWriterPod(
        kube,
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName(),
        desired.getMetadata().getLabels().get(WRITER_OF));
  }

  public String name() {
    return name;
  }

  /**
   * Starts writing {@code target}: waits for the pod to be ready, then execs the writer.
   *
   * @param patience how long the pod may take to start (a claim that does not exist or cannot be
   *     bound keeps it pending)
   */
  public VolumeStream open(VolumeTarget target, Duration patience) throws IOException {
    ours(kube.pods().inNamespace(namespace).withName(name).get());
    ours(awaitReady(patience));
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    ExecWatch exec =
        kube.pods()
            .inNamespace(namespace)
            .withName(name)
            .inContainer("writer")
            .redirectingInput()
            .writingError(stderr)
            .exec(
                "java",
                "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1",
                "-Xmx64m",
                "-cp",
                JAR,
                "dev.slipway.builder.volume.VolumeWriter",
                target.directory() ? "directory" : "file",
                VOLUMES + target.volume(),
                target.path());
    return new ExecStream(exec, stderr);
  }

  /** Refuses a pod of the writer's name that this request does not own: never exec into it. */
  private void ours(Pod pod) throws IOException {
    if (pod == null) {
      return;
    }
    var refs = pod.getMetadata().getOwnerReferences();
    var labels = pod.getMetadata().getLabels();
    boolean owned = refs != null && refs.stream().anyMatch(r -> owner.equals(r.getUid()));
    if (!owned || labels == null || !owner.equals(labels.get(WRITER_OF))) {
      throw new IOException(
          "the pod "
              + namespace
              + "/"
              + name
              + " has the output writer's name but this BuildRequest does not own it, so the"
              + " operator will not write into it; delete it (kubectl delete pod -n "
              + namespace
              + " "
              + name
              + ") and build again");
    }
  }

  private Pod awaitReady(Duration patience) throws IOException {
    var pod = kube.pods().inNamespace(namespace).withName(name);
    try {
      pod.waitUntilCondition(
          p -> p != null && (Readiness.isPodReady(p) || isOver(p)),
          patience.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (KubernetesClientException e) {
      // waited out: say why it is still pending
    }
    Pod now = pod.get();
    if (now == null || !Readiness.isPodReady(now)) {
      throw new IOException(
          "the output writer pod "
              + namespace
              + "/"
              + name
              + " did not start within "
              + patience.toSeconds()
              + " s"
              + whyNotReady(now)
              + "; check the claims exist and can be bound (kubectl describe pod -n "
              + namespace
              + " "
              + name
              + ")");
    }
    return now;
  }

  private static boolean isOver(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  private static String whyNotReady(Pod pod) {
    if (pod == null) {
      return " (it is gone)";
    }
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return "";
    }
    List<String> why = new ArrayList<>();
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("False".equals(c.getStatus()) && c.getMessage() != null) {
        why.add(c.getType() + ": " + c.getMessage());
      }
    }
    return why.isEmpty() ? "" : " (" + String.join("; ", why) + ")";
  }

  /** Deletes this pod; gone already is fine. */
  public void delete() {
    kube.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
  }

  /** Deletes every writer pod of {@code request}, e.g. one an earlier operator left behind. */
  public static void deleteAll(KubernetesClient kube, BuildRequest request) {
    kube.pods()
        .inNamespace(request.getMetadata().getNamespace())
        .withLabel(WRITER_OF, request.getMetadata().getUid())
        .withGracePeriod(0)
        .delete();
  }

  /** One output on its way into the writer's standard input. */
  public interface VolumeStream {
    OutputStream data();

    /** Ends the output and waits until the writer wrote it; its refusal is the message. */
    void finish(Duration patience) throws IOException;

    /** Breaks off: the writer sees no end frame and keeps nothing. */
    void abort();
  }

  private static final class ExecStream implements VolumeStream {
    private final ExecWatch exec;
    private final ByteArrayOutputStream stderr;
    private final OutputStream framed;

    ExecStream(ExecWatch exec, ByteArrayOutputStream stderr) {
      this.exec = exec;
      this.stderr = stderr;
      OutputStream input = exec.getInput();
      // A writer that refused early is gone: say its reason instead of writing into the void.
      this.framed =
          OutputFrames.writer(
              new FilterOutputStream(input) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                  if (exec.exitCode().isDone()) {
                    throw new IOException(said(exec.exitCode().handle((c, t) -> c).getNow(-1)));
                  }
                  input.write(b, off, len);
                }
              });
    }

    @Override
    public OutputStream data() {
      return framed;
    }

    @Override
    public void finish(Duration patience) throws IOException {
      try {
        framed.close();
        int status = exec.exitCode().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        if (status != 0) {
          throw new IOException(said(status));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the writer finished", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("the writer did not finish: " + e.getMessage(), e);
      } finally {
        exec.close();
      }
    }

    private String said(Integer status) {
      String text = stderr.toString(StandardCharsets.UTF_8).strip();
      if (text.length() > STDERR_LIMIT) {
        text = text.substring(0, STDERR_LIMIT) + "…";
      }
      return text.isEmpty() ? "the writer exited with status " + status : text;
    }

    @Override
    public void abort() {
      exec.close();
    }
  }
}
