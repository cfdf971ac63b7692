package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Command;
import dev.slipway.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway build --builder grpcs://} against a real builder serving TLS: the CLI builds when
 * it trusts the builder's CA (--tls-ca) and refuses to talk (so never sends its token) when not.
 */
@Timeout(240)
class TlsBuildIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir Path work;

  @Test
  void buildsOverTlsWithTheBuildersCaAndRefusesAnUntrustedBuilder() throws Exception {
    TestCertificates certs = TestCertificates.create(work.resolve("tls"));
    Path token = Files.writeString(work.resolve("token"), "tls-it-" + System.nanoTime());
    List<String> flags = new ArrayList<>(List.of("--token-file", token.toString()));
    flags.addAll(certs.serverFlags());
    Path context = Files.createDirectories(work.resolve("ctx"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\n");
    Files.writeString(context.resolve("a.txt"), "over tls\n");
    Path archive = work.resolve("out.tar");

    try (BuilderProcess builder =
        BuilderProcess.start(REPO, work.resolve("state"), flags, Map.of())) {
      Command.Result trusted =
          cli(
              "--builder",
              builder.address(),
              "--tls-ca",
              certs.ca().toString(),
              "--token-file",
              token.toString(),
              "-o",
              "type=oci,dest=" + archive,
              context.toString());
      assertThat(trusted.exitCode()).as("%s", trusted).isZero();
      assertThat(archive).isNotEmptyFile();

      Command.Result untrusted =
          cli(
              "--builder",
              builder.address(),
              "--token-file",
              token.toString(),
              "-o",
              "type=oci,dest=" + work.resolve("never.tar"),
              context.toString());
      assertThat(untrusted.exitCode()).as("%s", untrusted).isNotZero();
      assertThat(untrusted.stdout() + untrusted.stderr())
          .contains("the TLS handshake failed")
          .contains("--tls-ca FILE");
      assertThat(work.resolve("never.tar")).doesNotExist();
    }
  }

  private static Command.Result cli(String... args) {
    List<String> command =
        new ArrayList<>(List.of(REPO.resolve("bin/slipway").toString(), "build"));
    command.addAll(List.of(args));
    return Command.of(command).timeout(Duration.ofSeconds(120)).run();
  }
}
