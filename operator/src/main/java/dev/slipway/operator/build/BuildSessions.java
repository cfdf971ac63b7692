package dev.slipway.operator.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.CredentialsResponse;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.Pong;
import dev.slipway.api.session.v1.RequestFailed;
import dev.slipway.api.session.v1.RequestFailure;
import dev.slipway.api.session.v1.SecretResponse;
import dev.slipway.api.session.v1.SshChannelClose;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The operator's side of the Session for builds that need Kubernetes Secrets: it opens the session
 * on the build's pod before Solve and answers the builder's questions from Secrets read at the
 * moment they are asked: {@code RUN --mount=type=secret} values, the git context's token, ssh
 * private keys (which the builder loads into an ssh-agent of its own for the build, so no agent
 * channel ever reaches the operator) and registry credentials from the Builder's dockerconfigjson
 * Secret. Values are never logged.
 */
final class BuildSessions {

  private static final Logger LOG = Logger.getLogger(BuildSessions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The key of a kubernetes.io/ssh-auth Secret that holds the private key. */
  static final String GIT_SSH_KEY = "ssh-privatekey";

  private final dev.slipway.operator.control.BuilderClient client;
  private final ConcurrentHashMap<String, StreamObserver<ClientMessage>> open =
      new ConcurrentHashMap<>();

  BuildSessions(dev.slipway.operator.control.BuilderClient client) {
    this.client = client;
  }

  /** Opens the session the build needs and returns its id, or "" when it needs none. */
  String open(BuildRequest request, Builder builder, BuildRun run, KubernetesClient kube) {
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
    Answers answers = new Answers(kube, namespace, secrets, registryAuth);
    StreamObserver<ClientMessage> toBuilder = client.session(run.pod()).attach(answers);
    answers.toBuilder = toBuilder;
    toBuilder.onNext(
        ClientMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setSessionId(sessionId)
                    .addAllSecretIds(secrets.keySet())
                    .setServesCredentials(registryAuth != null)
                    .setClientVersion("slipway-operator"))
            .build());
    open.put(run.buildId(), toBuilder);
    return sessionId;
  }

  void close(BuildRun run) {
    StreamObserver<ClientMessage> session = open.remove(run.buildId());
    if (session != null) {
      try {
        session.onCompleted();
      } catch (RuntimeException e) {
        LOG.debugf("closing session of %s: %s", run.buildId(), e.getMessage());
      }
    }
  }

  /** Answers the builder's questions on one session. */
  private static final class Answers implements StreamObserver<BuilderMessage> {
    private final KubernetesClient kube;
    private final String namespace;
    private final Map<String, SecretKeySelector> secrets;
    private final String registryAuth;
    volatile StreamObserver<ClientMessage> toBuilder;

    Answers(
        KubernetesClient kube,
        String namespace,
        Map<String, SecretKeySelector> secrets,
        String registryAuth) {
      this.kube = kube;
      this.namespace = namespace;
      this.secrets = secrets;
      this.registryAuth = registryAuth;
    }

    @Override
    public void onNext(BuilderMessage message) {
      ClientMessage.Builder answer =
          ClientMessage.newBuilder().setRequestId(message.getRequestId());
      switch (message.getBodyCase()) {
        case SECRET -> secret(message.getSecret().getId(), answer);
        case CREDENTIALS -> credentials(message.getCredentials().getHost(), answer);
        case PING -> answer.setPong(Pong.newBuilder().setNonce(message.getPing().getNonce()));
        case SSH_OPEN ->
            answer.setSshClose(
                SshChannelClose.newBuilder()
                    .setChannel(message.getSshOpen().getChannel())
                    .setError(
                        "the operator serves no ssh agent channels: it serves ssh private keys as"
                            + " secrets (SolveRequest.ssh_key_secret_ids) for the builder's own"
                            + " agent"));
        default ->
            answer.setFailed(
                failed(
                    RequestFailure.REQUEST_FAILURE_INVALID,
                    "the operator's session serves secrets and registry credentials only"));
      }
      synchronized (this) {
        toBuilder.onNext(answer.build());
      }
    }

    private void secret(String id, ClientMessage.Builder answer) {
      SecretKeySelector ref = secrets.get(id);
      byte[] value = ref == null ? null : secretValue(ref.getName(), ref.getKey());
      if (value == null) {
        answer.setFailed(
            failed(
                RequestFailure.REQUEST_FAILURE_NOT_FOUND,
                "secret id \""
                    + id
                    + "\" is not provided: add it to spec.secrets with a secretKeyRef to an existing Secret key"));
      } else {
        answer.setSecret(SecretResponse.newBuilder().setValue(ByteString.copyFrom(value)));
      }
    }

    /**
     * Credentials from a kubernetes.io/dockerconfigjson Secret; anonymous when the host is not in
     * it.
     */
    private void credentials(String host, ClientMessage.Builder answer) {
      CredentialsResponse.Builder credentials = CredentialsResponse.newBuilder();
      byte[] config = secretValue(registryAuth, ".dockerconfigjson");
      if (config != null) {
        try {
          JsonNode auth = JSON.readTree(config).path("auths").path(host);
          if (auth.hasNonNull("auth")) {
            String[] pair =
                new String(
                        Base64.getDecoder().decode(auth.get("auth").asText()),
                        StandardCharsets.UTF_8)
                    .split(":", 2);
            credentials.setUsername(pair[0]).setSecret(pair.length > 1 ? pair[1] : "");
          } else if (auth.hasNonNull("username")) {
            credentials
                .setUsername(auth.get("username").asText())
                .setSecret(auth.path("password").asText(""));
          } else if (auth.hasNonNull("identitytoken")) {
            credentials.setSecret(auth.get("identitytoken").asText()).setIdentityToken(true);
          }
        } catch (IOException | IllegalArgumentException e) {
          answer.setFailed(
              failed(
                  RequestFailure.REQUEST_FAILURE_INVALID,
                  "Secret "
                      + registryAuth
                      + " in "
                      + namespace
                      + " is not valid dockerconfigjson"));
          return;
        }
      }
      answer.setCredentials(credentials);
    }

    private byte[] secretValue(String name, String key) {
      Secret secret = kube.secrets().inNamespace(namespace).withName(name).get();
      if (secret == null) {
        return null;
      }
      if (secret.getData() != null && secret.getData().containsKey(key)) {
        return Base64.getDecoder().decode(secret.getData().get(key));
      }
      if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
        return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
      }
      return null;
    }

    private static RequestFailed failed(RequestFailure code, String message) {
      return RequestFailed.newBuilder().setCode(code).setMessage(message).build();
    }

    @Override
    public void onError(Throwable t) {
      LOG.debugf("operator session ended: %s", io.grpc.Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {}
  }
}
