package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.operator.auth.GrantCredentials;
import dev.slipway.session.serving.AnsweringSession;
import dev.slipway.session.serving.ExportReceiver;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The operator's side of the Session for builds that need Kubernetes Secrets: it opens the session
 * on the build's pod before Solve and answers the builder's questions from a {@link SecretSession}
 * through the same {@link AnsweringSession} the CLI uses. Values are never logged.
 */
final class BuildSessions {

  private static final Logger LOG = Logger.getLogger(BuildSessions.class);

  /** The key of a kubernetes.io/ssh-auth Secret that holds the private key. */
  static final String GIT_SSH_KEY = "ssh-privatekey";

  private final dev.slipway.operator.control.BuilderClient client;
  private final ConcurrentHashMap<String, AnsweringSession> open = new ConcurrentHashMap<>();

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
    if (secrets.isEmpty() && registryAuth == null) {
      return "";
    }
    String sessionId = "operator-" + run.buildId();
    AnsweringSession session =
        new AnsweringSession(
            new SecretSession(kube, namespace, secrets, registryAuth),
            ExportReceiver.NONE,
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

  void close(BuildRun run) {
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
