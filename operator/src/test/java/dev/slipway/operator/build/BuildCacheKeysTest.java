package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.api.resource.ConfigMapContext;
import dev.slipway.api.resource.DockerfileSource;
import dev.slipway.api.resource.GitContext;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BuildCacheKeysTest {

  private static final String DOCKERFILE = "FROM 127.0.0.1:5000/busybox:latest\n";

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static BuildRequestSpec spec(BuildContextSource context, DockerfileSource dockerfile) {
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setContext(context);
    spec.setDockerfile(dockerfile);
    return spec;
  }

  @Test
  void anInlineDockerfileIsHashedHereWhateverTheClientSays() throws Exception {
    ClientContext client = new ClientContext();
    client.setDockerfileDigest("0".repeat(64));
    BuildContextSource context = new BuildContextSource();
    context.setClient(client);
    DockerfileSource inline = new DockerfileSource();
    inline.setInline(DOCKERFILE);
    var keys = BuildCacheKeys.of(spec(context, inline), null, "key");
    assertThat(keys.dockerfileDigest()).isEqualTo(sha256(DOCKERFILE));
    assertThat(keys.contextKey()).isEqualTo("key");
  }

  @Test
  void aConfigMapContextsDockerfileIsHashedFromItsDataOrBinaryData() throws Exception {
    BuildContextSource context = new BuildContextSource();
    context.setConfigMap(new ConfigMapContext());
    var data = new ConfigMapBuilder().addToData("Dockerfile", DOCKERFILE).build();
    assertThat(BuildCacheKeys.of(spec(context, null), data, "k").dockerfileDigest())
        .isEqualTo(sha256(DOCKERFILE));
    DockerfileSource named = new DockerfileSource();
    named.setPath("build.Dockerfile");
    var binary =
        new ConfigMapBuilder()
            .addToBinaryData(
                "build.Dockerfile",
                Base64.getEncoder().encodeToString(DOCKERFILE.getBytes(StandardCharsets.UTF_8)))
            .build();
    assertThat(BuildCacheKeys.of(spec(context, named), binary, "k").dockerfileDigest())
        .isEqualTo(sha256(DOCKERFILE));
    assertThat(BuildCacheKeys.of(spec(context, named), data, "k").dockerfileDigest())
        .as("not in the ConfigMap: unknown")
        .isEmpty();
  }

  @Test
  void aClientContextBringsTheCliHintsBoundedAndOnce() {
    ClientContext client = new ClientContext();
    client.setDockerfileDigest("a".repeat(64));
    client.setBaseImages(
        IntStream.range(0, 40).mapToObj(i -> "127.0.0.1:5000/img" + (i % 20) + ":1").toList());
    BuildContextSource context = new BuildContextSource();
    context.setClient(client);
    var keys = BuildCacheKeys.of(spec(context, null), null, "k");
    assertThat(keys.dockerfileDigest()).isEqualTo("a".repeat(64));
    assertThat(keys.baseImages())
        .hasSize(ClientContext.MAX_BASE_IMAGES)
        .doesNotHaveDuplicates()
        .startsWith("127.0.0.1:5000/img0:1");
  }

  @Test
  void aGitContextHasNoDockerfileDigestBeforeItRuns() {
    GitContext git = new GitContext();
    git.setUrl("https://example.com/app.git");
    BuildContextSource context = new BuildContextSource();
    context.setGit(git);
    var keys = BuildCacheKeys.of(spec(context, null), null, "k");
    assertThat(keys.dockerfileDigest()).isEmpty();
    assertThat(keys.baseImages()).isEqualTo(List.of());
  }
}
