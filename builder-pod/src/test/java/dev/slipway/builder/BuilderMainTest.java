package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.EngineLimits;
import dev.slipway.session.auth.GrantSigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The builder's flags: each mistake is a usage error (exit 2) that says what to fix. The timeout
 * stops a builder that a wrongly accepted flag would leave serving.
 */
@Timeout(60)
class BuilderMainTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  @Test
  void refusesFewerThanOneBuild() {
    assertThat(run("--state", dir.toString(), "--max-builds", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-builds must be at least 1, not 0");
  }

  @Test
  void refusesAnEmptyTokenFile() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "  \n");

    assertThat(
            run(
                "--state",
                dir.resolve("state").toString(),
                "--listen",
                "127.0.0.1:0",
                "--token-file",
                token.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--token-file " + token + " is empty");
  }

  @Test
  void refusesACacheDurationItCannotRead() {
    assertThat(
            run("--state", dir.resolve("state").toString(), "--cache-keep-duration", "a fortnight"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--cache-keep-duration: ");
  }

  @Test
  void refusesADrainTimeoutThatIsNoDuration() {
    assertThat(run("--state", dir.resolve("state").toString(), "--drain-timeout", "10"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--drain-timeout: \"10\" is not a duration")
        .contains("30s, 5m, 1h or 1h30m");
  }

  @Test
  void refusesAnAddressWithoutAPort() {
    assertThat(run("--state", dir.resolve("state").toString(), "--listen", "localhost"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--listen localhost: expected HOST:PORT");
  }

  @Test
  void refusesAMetricsAddressWithABadPort() {
    assertThat(
            run(
                "--state",
                dir.resolve("state").toString(),
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:http"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--metrics-listen 127.0.0.1:http: expected HOST:PORT");
  }

  @Test
  void runsInsecureStepsOnlyWhenToldTo() {
    BuilderMain shared = new BuilderMain();
    new CommandLine(shared).parseArgs("--state", dir.toString());
    BuilderMain trusted = new BuilderMain();
    new CommandLine(trusted).parseArgs("--state", dir.toString(), "--allow-insecure-entitlement");

    assertThat(shared.engineConfig().allowInsecureEntitlement()).as("the default").isFalse();
    assertThat(trusted.engineConfig().allowInsecureEntitlement()).isTrue();
  }

  @Test
  void refusesToStartWithoutAuthentication() {
    assertThat(run("--state", dir.resolve("state").toString(), "--listen", "127.0.0.1:0"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("this builder has no authentication: give --auth-public-key FILE")
        .contains("--insecure-no-auth");
    assertThat(dir.resolve("state")).as("nothing was opened").doesNotExist();
  }

  @Test
  void refusesInsecureNoAuthOnANonLoopbackAddress() {
    assertThat(
            run(
                "--state",
                dir.resolve("state").toString(),
                "--listen",
                "127.0.0.1:0",
                "--listen",
                "0.0.0.0:0",
                "--insecure-no-auth"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--insecure-no-auth serves anyone who can connect")
        .contains("not 0.0.0.0");
  }

  @Test
  void refusesToServeCredentialsInClearOffLoopback() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "t0ken");

    assertThat(
            run(
                "--state",
                dir.resolve("state").toString(),
                "--listen",
                "0.0.0.0:0",
                "--token-file",
                token.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--listen 0.0.0.0:0 is not a loopback address")
        .contains("--tls-cert and --tls-key");
  }

  @Test
  void refusesAPublicKeyWithoutItsAudience() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), GrantSigner.generate().publicKeyPem());

    assertThat(run("--state", dir.toString(), "--auth-public-key", key.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--auth-public-key and --auth-audience go together");
  }

  @Test
  void refusesAPublicKeyThatIsNotOne() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n");

    assertThat(
            run(
                "--state",
                dir.toString(),
                "--auth-public-key",
                key.toString(),
                "--auth-audience",
                "b"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--auth-public-key " + key + ": ");
  }

  @Test
  void refusesGrantsAndASharedTokenTogether() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), GrantSigner.generate().publicKeyPem());
    Path token = Files.writeString(dir.resolve("token"), "t");

    assertThat(
            run(
                "--state",
                dir.toString(),
                "--auth-public-key",
                key.toString(),
                "--auth-audience",
                "b",
                "--token-file",
                token.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("choose one of --auth-public-key");
  }

  @Test
  void refusesACertificateWithoutItsKey() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "t");

    assertThat(
            run(
                "--state",
                dir.toString(),
                "--token-file",
                token.toString(),
                "--tls-cert",
                dir.resolve("cert.pem").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
  }

  @Test
  void refusesALimitBelowOneByte() {
    assertThat(run("--state", dir.resolve("state").toString(), "--max-download-bytes", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--max-download-bytes must be at least 1 byte, not 0");
  }

  @Test
  void theLimitFlagsReachTheEngine() {
    BuilderMain main = new BuilderMain();
    new CommandLine(main)
        .parseArgs(
            "--state",
            dir.toString(),
            "--max-download-bytes",
            "1000",
            "--max-archive-bytes",
            "2000",
            "--max-log-bytes-per-step",
            "3000");
    assertThat(main.engineConfig().limits()).isEqualTo(new EngineLimits(1000, 2000, 3000));
  }

  @Test
  void theLimitsDefaultToTheEngines() {
    BuilderMain main = new BuilderMain();
    new CommandLine(main).parseArgs("--state", dir.toString());
    assertThat(main.engineConfig().limits()).isEqualTo(EngineLimits.defaults());
  }

  @Test
  void printsItsVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("slipway-builder ");
  }

  /**
   * Runs the command line; usage errors raised inside {@code call()} carry a CommandLine of their
   * own that prints to System.err, so that is captured too.
   */
  private int run(String... args) {
    CommandLine cli = new CommandLine(new BuilderMain());
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return cli.execute(args);
    } finally {
      System.setErr(stderr);
      err.write(captured.toString(StandardCharsets.UTF_8));
    }
  }
}
