package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.HostEntry;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.api.resource.ConfigMapContext;
import dev.slipway.api.resource.ExtraHost;
import dev.slipway.api.resource.GitContext;
import dev.slipway.api.resource.RegistrySettings;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SolveRequestsTest {

  @Test
  void aConfigMapTravelsInline() {
    BuildRequest request =
        request(
            ctx -> {
              ConfigMapContext cm = new ConfigMapContext();
              cm.setName("files");
              ctx.setConfigMap(cm);
            });
    var configMap =
        new ConfigMapBuilder()
            .addToData("Dockerfile", "FROM scratch\n")
            .addToBinaryData("blob", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2}))
            .build();

    var solve = SolveRequests.of(request, "uid-1", builder(), configMap, "", "ctx-key");

    assertThat(solve.getContext().getInline().getFilesMap().get("Dockerfile").toStringUtf8())
        .isEqualTo("FROM scratch\n");
    assertThat(solve.getContext().getInline().getFilesMap().get("blob").toByteArray())
        .containsExactly(0, 1, 2);
  }

  @Test
  void secretsAreNamedNotCarried() {
    BuildRequest request =
        request(
            ctx -> {
              GitContext git = new GitContext();
              git.setUrl("https://git.example/app.git");
              git.setRef("main");
              git.setSecretName("git-creds");
              ctx.setGit(git);
            });
    SecretMount secret = new SecretMount();
    secret.setId("npmrc");
    secret.setSecretKeyRef(new SecretKeySelector("npmrc", "npm", false));
    request.getSpec().setSecrets(List.of(secret));
    request.getSpec().setBuildArgs(Map.of("V", "1"));

    var solve = SolveRequests.of(request, "uid-1", builder(), null, "operator-uid-1", "ctx-key");

    assertThat(solve.getContextKey()).isEqualTo("ctx-key");

    assertThat(solve.getSecretIdsList()).containsExactly("npmrc");
    assertThat(solve.toString()).doesNotContain("git-creds");
    assertThat(solve.getContext().getGit().getTokenSecretId())
        .isEqualTo(SolveRequests.GIT_TOKEN_SECRET_ID);
    assertThat(solve.getContext().getGit().getRef()).isEqualTo("main");
    assertThat(solve.getSessionId()).isEqualTo("operator-uid-1");
    assertThat(solve.getInsecureRegistriesList()).containsExactly("127.0.0.1:5000");
    assertThat(solve.getOutputs(0).getType()).isEqualTo(OutputType.OUTPUT_TYPE_IMAGE);
    assertThat(solve.getOutputs(0).getPush()).isTrue();
    assertThat(solve.getTimeout().getSeconds()).isEqualTo(3600);
    assertThat(solve.getBuildArgsMap()).containsEntry("V", "1");
  }

  @Test
  void sshKeysFromSecretsAreNamedAsSecretsForTheBuildersOwnAgent() {
    BuildRequest request =
        request(
            ctx -> {
              GitContext git = new GitContext();
              git.setUrl("git@git.example:team/app.git");
              git.setSecretName("repo-key");
              ctx.setGit(git);
            });
    SshMount ssh = new SshMount();
    ssh.setSecretRef(new SecretKeySelector("ssh-privatekey", "deploy-key", false));
    request.getSpec().setSsh(List.of(ssh));

    var solve = SolveRequests.of(request, "uid-1", builder(), null, "operator-uid-1", "ctx-key");

    assertThat(solve.getSshIdsList()).containsExactly("default");
    assertThat(solve.getContext().getGit().getSshId()).isEqualTo(SolveRequests.GIT_SSH_ID);
    assertThat(solve.getContext().getGit().getTokenSecretId()).isEmpty();
    assertThat(solve.getSshKeySecretIdsMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "default",
                SolveRequests.sshKeySecretId("default"),
                SolveRequests.GIT_SSH_ID,
                SolveRequests.sshKeySecretId(SolveRequests.GIT_SSH_ID)));
    assertThat(solve.toString()).doesNotContain("deploy-key", "repo-key");
  }

  @Test
  void operatorBuildsOutliveTheirSolveCall() {
    BuildRequest request =
        request(
            ctx -> {
              GitContext git = new GitContext();
              git.setUrl("https://git.example/app.git");
              ctx.setGit(git);
            });

    var solve = SolveRequests.of(request, "uid-1", builder(), null, "", "ctx-key");

    assertThat(solve.getDetached())
        .as("a restarted operator follows the build again instead of the builder cancelling it")
        .isTrue();
  }

  @Test
  void extraHostsTravelAndTheDefaultNetworkIsTheBuilders() {
    BuildRequest request =
        request(
            ctx -> {
              GitContext git = new GitContext();
              git.setUrl("https://git.example/app.git");
              ctx.setGit(git);
            });
    request.getSpec().setExtraHosts(List.of(new ExtraHost("db.internal", "10.0.0.7")));
    request.getSpec().setNetwork(dev.slipway.api.resource.NetworkMode.DEFAULT);
    Builder builder = builder();
    builder.getSpec().setNetwork(dev.slipway.api.resource.NetworkMode.NONE);

    var solve = SolveRequests.of(request, "uid-1", builder, null, "", "ctx-key");

    assertThat(solve.getExtraHostsList())
        .containsExactly(HostEntry.newBuilder().setHost("db.internal").setIp("10.0.0.7").build());
    assertThat(solve.getNetwork()).isEqualTo(NetworkMode.NETWORK_MODE_NONE);
  }

  private static Builder builder() {
    Builder builder = new Builder();
    BuilderSpec spec = new BuilderSpec();
    RegistrySettings registry = new RegistrySettings();
    registry.setInsecureHosts(List.of("127.0.0.1:5000"));
    spec.setRegistry(registry);
    builder.setSpec(spec);
    return builder;
  }

  private static BuildRequest request(java.util.function.Consumer<BuildContextSource> context) {
    BuildRequest request = new BuildRequest();
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setBuilderRef(new BuilderReference());
    BuildContextSource source = new BuildContextSource();
    context.accept(source);
    spec.setContext(source);
    BuildOutput output = new BuildOutput();
    output.setType(dev.slipway.api.resource.OutputType.IMAGE);
    output.setNames(List.of("127.0.0.1:5000/app:1"));
    spec.setOutputs(List.of(output));
    request.setSpec(spec);
    return request;
  }
}
