package dev.slipway.cli.cluster;

import dev.slipway.cli.SlipwayCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/**
 * Runs slipway commands against the fabric8 mock API server through a real kubeconfig file, the way
 * a user's kubectl configuration reaches the CLI.
 */
final class MockCluster {
  static final String NAMESPACE = "team-a";

  // The mock server logs every request at INFO; a held reference keeps the level set.
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  final Path kubeconfig;

  MockCluster(KubernetesClient client, Path dir) throws IOException {
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: tester
          user:
            token: not-a-secret
        contexts:
        - name: mock
          context:
            cluster: mock
            user: tester
            namespace: %s
        current-context: mock
        """
            .formatted(client.getMasterUrl().toString(), NAMESPACE));
  }

  /** What one command printed, and its exit status. */
  record Run(int exitCode, String out, String err) {}

  /**
   * Runs {@code slipway build} to its end: it writes to System.err itself (the progress display),
   * so that is captured too.
   */
  Run runBuild(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      List<String> command = new ArrayList<>(List.of("build"));
      command.addAll(List.of(args));
      Run run = run(command.toArray(String[]::new));
      return new Run(
          run.exitCode(), run.out(), run.err() + captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  Run run(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SlipwayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(command.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }
}
