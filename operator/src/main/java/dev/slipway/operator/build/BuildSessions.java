package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.operator.auth.GrantCredentials;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.output.VolumeOutputs;
import dev.slipway.operator.output.VolumeTarget;
import dev.slipway.operator.output.VolumeWriterPod;
import dev.slipway.session.serving.AnsweringSession;
import dev.slipway.session.serving.ExportReceiver;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The operator's side of the Session for builds that need Kubernetes Secrets or write outputs to
 * volumes: it opens the session on the build's pod before Solve and answers the builder's questions
 * from a {@link SecretSession} through the same {@link AnsweringSession} the CLI uses; the outputs
 * the builder sends back go to the build's writer pod ({@link VolumeOutputs}). Values are never
 * logged.
 */
final class BuildSessions {

  private static final Logger LOG = Logger.getLogger(BuildSessions.class);

  /** The key of a kubernetes.io/ssh-auth Secret that holds the private key. */
  static final String GIT_SSH_KEY = "ssh-privatekey";

  private final dev.slipway.operator.control.BuilderClient client;

  /** How long a writer pod may take to start before the output fails. */
  private static final Duration WRITER_PATIENCE = Duration.ofMinutes(3);

  private final ConcurrentHashMap<String, AnsweringSession> open = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Writing> writing = new ConcurrentHashMap<>();

  /** A build's outputs to volumes and the pod that writes them. */
  private record Writing(VolumeOutputs outputs, VolumeWriterPod pod) {}

  BuildSessions(dev.slipway.operator.control.BuilderClient client) {
    this.client = client;
  }

  /**
   * Opens the session the build needs, with the build's grant (so only that build can use it), and
   * returns its id, or "" when it needs none.
   */
  String open(
      BuildRequest request,
      Builder builder,
      BuildRun run,
      KubernetesClient kube,
      GrantCredentials grant) {
    var clientContext = request.getSpec().getContext().getClient();
    if (clientContext != null) {
      // The slipway CLI that created the request serves its context, secrets, ssh agents and
      // registry credentials through its own session with the builder pod.
      return clientContext.getSessionId();
    }
    String namespace = request.getMetadata().getNamespace();
    Map<String, SecretKeySelector> secrets = new HashMap<>();
    if (request.getSpec().getSecrets() != null) {
      for (SecretMount s : request.getSpec().getSecrets()) {
        if (s.getSecretKeyRef() != null) {
          secrets.put(s.getId(), s.getSecretKeyRef());
        }
      }
    }
    if (request.getSpec().getSsh() != null) {
      for (SshMount s : request.getSpec().getSsh()) {
        if (s.getSecretRef() != null) {
          secrets.put(SolveRequests.sshKeySecretId(s.getId()), s.getSecretRef());
        }
      }
    }
    var signing = request.getSpec().getSigning();
    if (signing != null && signing.getKeySecretRef() != null) {
      secrets.put(SolveRequests.SIGNING_KEY_SECRET_ID, signing.getKeySecretRef());
    }
    var git = request.getSpec().getContext().getGit();
    if (git != null && git.getSecretName() != null) {
      if (SolveRequests.isSshUrl(git.getUrl())) {
        secrets.put(
            SolveRequests.sshKeySecretId(SolveRequests.GIT_SSH_ID),
            new SecretKeySelector(GIT_SSH_KEY, git.getSecretName(), false));
      } else {
        secrets.put(
            SolveRequests.GIT_TOKEN_SECRET_ID,
            new SecretKeySelector("password", git.getSecretName(), false));
      }
    }
    String registryAuth =
        builder.getSpec().getRegistry() == null
            ? null
            : builder.getSpec().getRegistry().getAuthSecretName();
    List<VolumeTarget> targets = VolumeTarget.of(request.getSpec());
    if (secrets.isEmpty() && registryAuth == null && targets.isEmpty()) {
      return "";
    }
    ExportReceiver outputs = ExportReceiver.NONE;
    if (!targets.isEmpty()) {
      VolumeWriterPod pod =
          VolumeWriterPod.create(
              kube,
              VolumeWriterPod.desired(
                  request,
                  run.attempt(),
                  builderPods(kube, builder),
                  VolumeTarget.claims(targets)));
      VolumeOutputs volumes = new VolumeOutputs(targets, t -> pod.open(t, WRITER_PATIENCE));
      writing.put(run.buildId(), new Writing(volumes, pod));
      outputs = volumes;
    }
    String sessionId = "operator-" + run.buildId();
    AnsweringSession session =
        new AnsweringSession(
            new SecretSession(kube, namespace, secrets, registryAuth),
            outputs,
            Hello.newBuilder()
                .setSessionId(sessionId)
                .addAllSecretIds(secrets.keySet())
                .setServesCredentials(registryAuth != null)
                .setClientVersion("slipway-operator")
                .build());
    session.open(client.session(run.pod(), grant));
    open.put(run.buildId(), session);
    return sessionId;
  }

  /** The build's outputs to volumes, if it has any and this operator started it. */
  Optional<VolumeOutputs> volumeOutputs(BuildRun run) {
    return Optional.ofNullable(writing.get(run.buildId())).map(Writing::outputs);
  }

  /** The builder pods' spec, whose image, pull policy and network the writer pod takes. */
  private static PodSpec builderPods(KubernetesClient kube, Builder builder) {
    StatefulSet set =
        kube.apps()
            .statefulSets()
            .inNamespace(builder.getMetadata().getNamespace())
            .withName(BuilderNames.statefulSet(builder))
            .get();
    if (set == null) {
      throw new IllegalStateException(
          "Builder " + builder.getMetadata().getName() + " has no StatefulSet yet");
    }
    return set.getSpec().getTemplate().getSpec();
  }

  void close(BuildRun run) {
    Writing written = writing.remove(run.buildId());
    if (written != null) {
      written.outputs().abort();
      try {
        written.pod().delete();
      } catch (RuntimeException e) {
        LOG.infof("deleting writer pod %s: %s", written.pod().name(), e.getMessage());
      }
    }
    AnsweringSession session = open.remove(run.buildId());
    if (session != null) {
      try {
        session.close();
      } catch (RuntimeException e) {
        LOG.debugf("closing session of %s: %s", run.buildId(), e.getMessage());
      }
    }
  }
}
