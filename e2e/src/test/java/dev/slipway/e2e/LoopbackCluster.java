package dev.slipway.e2e;

import dev.slipway.testing.Command;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes of {@code e2e/cluster/} on loopback, node i named and addressed 127.0.0.i, with
 * the tools that talk to it. A cluster that is already up (someone iterating by hand) is used as it
 * is and left running; one this class started is torn down by {@link #close()} with {@code
 * down.sh}.
 */
public final class LoopbackCluster implements AutoCloseable {

  public static final Path ROOT =
      Path.of(System.getProperty("slipway.root", "..")).toAbsolutePath().normalize();

  /** The cluster's state directory ({@code SLIPWAY_E2E_STATE} of e2e/cluster/env.sh). */
  public static final Path STATE =
      Path.of(System.getenv().getOrDefault("SLIPWAY_E2E_STATE", "/var/lib/slipway-e2e"));

  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

  private final Map<String, String> env;
  private final KubernetesClient client;
  private final boolean startedHere;

  private LoopbackCluster(Map<String, String> env, boolean startedHere) {
    this.env = env;
    this.startedHere = startedHere;
    Config config = Config.fromKubeconfig(readKubeconfig(env.get("KUBECONFIG")));
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * Brings a cluster of {@code nodes} nodes up (building Kubernetes on first use; see
   * e2e/README.md); one already up must have as many.
   */
  public static LoopbackCluster up(int nodes) {
    Path envFile = STATE.resolve("env");
    if (Files.exists(envFile) && answers(parseEnv(envFile))) {
      String running = parseEnv(envFile).getOrDefault("SLIPWAY_E2E_NODES", "1");
      if (!running.equals(String.valueOf(nodes))) {
        throw new AssertionError(
            "the cluster that is up has "
                + running
                + " node(s), these tests need "
                + nodes
                + ": run e2e/cluster/down.sh, or up.sh --nodes "
                + nodes);
      }
      return new LoopbackCluster(parseEnv(envFile), false);
    }
    Command.of(List.of(cluster("up.sh"), "--nodes", String.valueOf(nodes)))
        .timeout(Duration.ofMinutes(40))
        .in(ROOT)
        .run()
        .requireSuccess();
    return new LoopbackCluster(parseEnv(envFile), true);
  }

  /** The name, and address, of node {@code i} (1-based). */
  public static String nodeName(int i) {
    return "127.0.0." + i;
  }

  /** The node number of a node's name (127.0.0.i). */
  public static int nodeNumber(String nodeName) {
    return Integer.parseInt(nodeName.substring(nodeName.lastIndexOf('.') + 1));
  }

  /** Loses node {@code i} as a machine would go away: its kubelet, containerd and pods die. */
  public void stopNode(int i) {
    node("stop", i);
  }

  /** Starts node {@code i} again; returns once the node is Ready. */
  public void startNode(int i) {
    node("start", i);
  }

  private void node(String action, int i) {
    Command.of(List.of(cluster("node.sh"), action, String.valueOf(i)))
        .timeout(Duration.ofMinutes(5))
        .in(ROOT)
        .run()
        .requireSuccess();
  }

  /** Imports an image archive into the containerd of every node, where pods find it. */
  public void importImage(Path archive) {
    Command.of(List.of(cluster("import-image.sh"), archive.toString()))
        .timeout(TOOL_TIMEOUT)
        .in(ROOT)
        .run()
        .requireSuccess();
  }

  private static String cluster(String script) {
    return ROOT.resolve("e2e/cluster").resolve(script).toString();
  }

  public KubernetesClient client() {
    return client;
  }

  /** KUBECONFIG and a PATH with kubectl and helm, for tools run against the cluster. */
  public Map<String, String> env() {
    return env;
  }

  public Command.Result kubectl(String... args) {
    return tool("kubectl", null, args);
  }

  /** {@code kubectl apply -f -} of a manifest, as a GitOps pipeline would. */
  public Command.Result apply(String manifest) {
    return tool("kubectl", manifest, "apply", "-f", "-");
  }

  public Command.Result helm(String... args) {
    return tool("helm", null, args);
  }

  /** Node 1's containerd's own client, in the namespace the kubelet's images live in. */
  public Command.Result ctr(String... args) {
    List<String> all = new ArrayList<>(List.of("--address", env.get("CONTAINERD_ADDRESS")));
    all.addAll(List.of("-n", "k8s.io"));
    all.addAll(List.of(args));
    return tool("ctr", null, all.toArray(String[]::new));
  }

  private Command.Result tool(String name, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(name);
    command.addAll(List.of(args));
    return Command.of(command).env(env).stdin(stdin).timeout(TOOL_TIMEOUT).in(ROOT).run();
  }

  @Override
  public void close() {
    client.close();
    if (startedHere) {
      Command.of(List.of(cluster("down.sh")))
          .timeout(Duration.ofMinutes(5))
          .in(ROOT)
          .run()
          .requireSuccess();
    }
  }

  private static boolean answers(Map<String, String> env) {
    return Command.of(List.of("kubectl", "get", "--raw", "/readyz"))
            .env(env)
            .timeout(Duration.ofSeconds(20))
            .in(ROOT)
            .run()
            .exitCode()
        == 0;
  }

  /** The {@code export NAME=value} lines up.sh writes, with $PATH expanded. */
  private static Map<String, String> parseEnv(Path file) {
    Map<String, String> env = new HashMap<>();
    Pattern line = Pattern.compile("^export ([A-Z0-9_]+)=(.*)$");
    try {
      for (String l : Files.readAllLines(file)) {
        Matcher m = line.matcher(l.trim());
        if (m.matches()) {
          env.put(m.group(1), m.group(2).replace("$PATH", System.getenv("PATH")));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file + ", written by e2e/cluster/up.sh: " + e, e);
    }
    return env;
  }

  private static String readKubeconfig(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new AssertionError("cannot read the cluster's kubeconfig " + path + ": " + e, e);
    }
  }
}
