package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.journeys.BuildsNamespace.BUILD_TIMEOUT;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.REGISTRY;
import static dev.slipway.e2e.journeys.BuildsNamespace.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.e2e.SlipwayInstallation;
import dev.slipway.testing.Command;
import dev.slipway.testing.SshAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A developer's journey: {@code slipway build} from a local directory through the cluster, with a
 * secret, a forwarded ssh-agent, a lazy context and both a pushed and a local output.
 */
final class DeveloperJourney {
  private final BuildsNamespace builds;
  private final Path work;

  DeveloperJourney(BuildsNamespace builds, Path work) {
    this.builds = builds;
    this.work = work;
  }

  void slipwayBuildFromALocalDirectoryThroughTheCluster() throws Exception {
    Path context = Files.createDirectories(work.resolve("cli-context"));
    String secret = "cli-secret-" + UUID.randomUUID();
    Path secretFile = Files.writeString(work.resolve("token.txt"), secret);
    Files.writeString(context.resolve("app.txt"), "from the developer's machine\n");
    // Never read by the Dockerfile: a lazy context leaves it on this machine.
    byte[] unused = new byte[32 << 20];
    new Random(1).nextBytes(unused);
    Files.write(context.resolve("unused.bin"), unused);
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM "
            // The base of Slipway's own images has ssh-add.
            + SlipwayInstallation.baseImage()
            + "\nCOPY app.txt /app.txt\n"
            + "ARG NONCE\n"
            + "RUN --mount=type=secret,id=token,required=true --mount=type=ssh"
            + " test \"$(sha256sum /run/secrets/token | cut -c1-64)\" = "
            + sha256(secret)
            + " && ssh-add -l > /agent-keys.txt && echo $NONCE > /nonce\n");
    SshAgent agent = SshAgent.start(work.resolve("ssh"), "e2e");
    String image = REGISTRY + "/e2e/cli:" + NONCE;
    Path out = work.resolve("cli-out");

    Command.Result build =
        builds.slipway(
            Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
            BUILD_TIMEOUT,
            BuildsNamespace.build(
                "--secret",
                "id=token,src=" + secretFile,
                "--ssh",
                "default",
                "-o",
                "type=registry,name=" + image,
                "-o",
                "type=local,dest=" + out,
                context.toString()));
    try {
      build.requireSuccess();
      String progress = build.stderr() + build.stdout();
      assertThat(progress)
          .as("plain progress of every step")
          .contains(
              // like buildx: the only stage goes unnamed and ARG is no step
              "[2/3] COPY app.txt /app.txt",
              "[3/3] RUN --mount=type=secret,id=token,required=true --mount=type=ssh test ",
              "DONE",
              "pushing " + image)
          .doesNotContain("WARNING");
      Matcher transferred = Pattern.compile("transferring context: (\\d+)B").matcher(progress);
      assertThat(transferred.find()).as("the context transfer in the progress").isTrue();
      assertThat(Long.parseLong(transferred.group(1)))
          .as("bytes of context sent: app.txt and the Dockerfile, not the 32 MiB unused.bin")
          .isLessThan(4096);
      assertThat(Files.readString(out.resolve("agent-keys.txt")))
          .contains(agent.key().fingerprint());
      assertThat(Files.readString(out.resolve("app.txt")))
          .isEqualTo("from the developer's machine\n");
      assertThat(out.resolve("unused.bin")).doesNotExist();
      assertThat(builds.registryDigest(image)).startsWith("sha256:");
      assertThat(build.stderr() + build.stdout() + builds.builderLog())
          .as("the secret's value is in no output or log")
          .doesNotContain(secret);
    } finally {
      agent.close();
    }
  }
}
