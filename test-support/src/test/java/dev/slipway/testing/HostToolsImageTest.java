package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs the registry on 127.0.0.1:5000, busybox-static and ssh-add (all from .ci/setup), root. */
class HostToolsImageTest {

  private static final URI REGISTRY = HostToolsImage.TEST_REGISTRY;
  private static final Pattern LAYER_DIGEST =
      Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"");

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void pushesOnceAnImageWhoseShellRunsTheToolWithItsLibraries() throws Exception {
    String repository = "slipway-test/host-tools-test-" + System.nanoTime();
    HostToolsImage image = HostToolsImage.of("ssh-add");

    assertThat(image.pushTo(REGISTRY, repository, "ssh-add")).as("first push").isTrue();
    assertThat(HostToolsImage.of("ssh-add").digest())
        .as("same binaries, same image")
        .isEqualTo(image.digest());
    assertThat(image.pushTo(REGISTRY, repository, "ssh-add")).as("already there").isFalse();

    HttpResponse<String> manifest = get(repository + "/manifests/ssh-add", BodyHandlers.ofString());
    assertThat(manifest.statusCode()).isEqualTo(200);
    assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(image.digest());
    Matcher layer = LAYER_DIGEST.matcher(manifest.body());
    assertThat(layer.find()).as(manifest.body()).isTrue();
    Path tar = dir.resolve("layer.tar.gz");
    assertThat(get(repository + "/blobs/" + layer.group(1), BodyHandlers.ofFile(tar)).statusCode())
        .isEqualTo(200);
    Path root = Files.createDirectories(dir.resolve("root/dev")).getParent();
    Command.of("tar", "-xzf", tar.toString(), "-C", root.toString()).in(dir).output();

    assertThat(root.resolve("usr/local/bin/ssh-add")).isExecutable();
    assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
    // The image's own shell and ssh-add, with only the image's libraries, list an agent's key;
    // ssh-add needs the /dev/null that a container runtime would provide.
    Command.of("mknod", "-m", "666", root + "/dev/null", "c", "1", "3").in(dir).output();
    try (SshAgent agent = SshAgent.start(root.resolve("agent"), "in-image")) {
      String listed =
          Command.of(
                  "chroot",
                  root.toString(),
                  "/bin/sh",
                  "-c",
                  "ssh-add -l | grep -F '" + agent.key().fingerprint() + "'")
              .in(dir)
              .env(Map.of("PATH", "/usr/local/bin:/bin", "SSH_AUTH_SOCK", "/agent/agent.sock"))
              .output();
      assertThat(listed).contains("in-image");
    }
  }

  @Test
  void ensureNamesTheTestRegistrysImageForAFromLine() throws Exception {
    String name = HostToolsImage.ensure("ssh-add");

    assertThat(name).isEqualTo("127.0.0.1:5000/slipway-test/host-tools:ssh-add");
    HttpResponse<Void> head =
        http.send(
            HttpRequest.newBuilder(
                    REGISTRY.resolve("/v2/slipway-test/host-tools/manifests/ssh-add"))
                .header("Accept", HostToolsImage.MANIFEST_TYPE)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.discarding());
    assertThat(head.headers().firstValue("Docker-Content-Digest"))
        .contains(HostToolsImage.of("ssh-add").digest());
  }

  private <T> HttpResponse<T> get(String path, HttpResponse.BodyHandler<T> body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(REGISTRY.resolve("/v2/" + path))
            .header("Accept", HostToolsImage.MANIFEST_TYPE)
            .build(),
        body);
  }
}
