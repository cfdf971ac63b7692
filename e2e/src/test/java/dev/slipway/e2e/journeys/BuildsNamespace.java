package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.SYSTEM_NAMESPACE;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The namespace {@value #NAMESPACE} where the journeys build, on the loopback cluster with Slipway
 * installed: how a pipeline or a developer acts there (BuildRequests, Secrets, {@code bin/slipway},
 * deleting the builder pod) and how the journeys look at the outcome (request status, the registry,
 * the node's processes, pods' logs).
 */
final class BuildsNamespace {

  static final String NAMESPACE = "builds";
  static final String REGISTRY = "127.0.0.1:5000";
  static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

  /** Makes every run's steps new to a builder cache that outlived an earlier run. */
  static final String NONCE = UUID.randomUUID().toString().substring(0, 8);

  private final LoopbackCluster cluster;
  private final KubernetesClient client;
  private final Path work;

  /**
   * @param work where commands run and their files go
   */
  BuildsNamespace(LoopbackCluster cluster, Path work) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.work = work;
  }

  /**
   * A BuildRequest for the journeys' Builder: the git context {@code url} at main, build arg {@code
   * NONCE} unique to the request and the run, an image output that is not pushed.
   */
  String buildRequest(String name, String url, int retries) {
    return buildRequest(name, url, retries, BUILDER);
  }

  /** {@link #buildRequest(String, String, int)} for Builder {@code builder}. */
  String buildRequest(String name, String url, int retries, String builder) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: BuildRequest
        metadata:
          name: %s
          namespace: %s
        spec:
          builderRef: {name: %s}
          context:
            git: {url: "%s", ref: main}
          buildArgs: {NONCE: "%s-%s"}
          retries: %d
          outputs:
            - type: image
              names: ["%s/e2e/%s:%s"]
              push: false
        """
        .formatted(name, NAMESPACE, builder, url, NONCE, name, retries, REGISTRY, name, NONCE);
  }

  /** {@code kubectl apply} of {@code manifest}, which must succeed. */
  void apply(String manifest) {
    cluster.apply(manifest).requireSuccess();
  }

  /** Creates or replaces Secret {@code name} of {@code type} ({@code null}: Opaque). */
  void putSecret(String name, String type, Map<String, String> stringData) {
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType(type)
                .withStringData(stringData)
                .build())
        .createOr(r -> r.update());
  }

  BuildRequest request(String name) {
    return client.resources(BuildRequest.class).inNamespace(NAMESPACE).withName(name).get();
  }

  BuildRequest awaitRunning(String name) {
    return Await.until(
        name + " to run on the builder",
        Duration.ofMinutes(3),
        () -> request(name),
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() == BuildPhase.RUNNING
                && r.getStatus().getBuildId() != null);
  }

  BuildRequest awaitEnd(String name) {
    return Await.until(
        name + " to end",
        BUILD_TIMEOUT,
        () -> request(name),
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() != null
                && r.getStatus().getPhase().isFinal());
  }

  /** For an assertion's description: the request's name, phase and message. */
  static String describe(BuildRequest request) {
    return request.getMetadata().getName()
        + ": "
        + request.getStatus().getPhase()
        + " - "
        + request.getStatus().getMessage();
  }

  Builder awaitBuilderReady() {
    return Await.until(
        "Builder " + BUILDER + " to report one ready pod",
        Duration.ofMinutes(3),
        () -> client.resources(Builder.class).inNamespace(NAMESPACE).withName(BUILDER).get(),
        b -> b.getStatus() != null && Integer.valueOf(1).equals(b.getStatus().getReadyReplicas()));
  }

  /**
   * Kills the Builder's only pod without waiting, as a crash or an OOM kill would: one second of
   * grace, so its drain (which would let the build finish there) is cut short and the build is lost
   * with the pod.
   */
  void deleteBuilderPod() {
    cluster
        .kubectl(
            "delete", "pod", "-n", NAMESPACE, BUILDER + "-0", "--grace-period=1", "--wait=false")
        .requireSuccess();
  }

  /**
   * The command line of {@code slipway build} against the journeys' Builder, with plain progress
   * and this run's {@code NONCE} as a build arg, followed by {@code options} and the context.
   */
  static String[] build(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "build",
                "-n",
                NAMESPACE,
                "--builder",
                BUILDER,
                "--progress=plain",
                "--build-arg",
                "NONCE=" + NONCE));
    args.addAll(List.of(options));
    return args.toArray(String[]::new);
  }

  /** Runs {@code bin/slipway args} to its end, as a developer would, with {@code env} added. */
  Command.Result slipway(Map<String, String> env, Duration timeout, String... args) {
    return slipwayCommand(env, args).timeout(timeout).run();
  }

  /** Starts {@code bin/slipway args}, its output (both streams) going to {@code log}. */
  Process startSlipway(Path log, String... args) {
    return startSlipway(Map.of(), log, args);
  }

  /** Starts {@code bin/slipway args} with {@code env} added, its output going to {@code log}. */
  Process startSlipway(Map<String, String> env, Path log, String... args) {
    return slipwayCommand(env, args).start(log).process();
  }

  /** The name of the BuildRequest that a {@code slipway build} writing {@code log} created. */
  String awaitCreatedBy(Path log) {
    Pattern created = Pattern.compile("BuildRequest " + NAMESPACE + "/(\\S+) created");
    return Await.until(
        "slipway build to create its BuildRequest (" + log + ")",
        Duration.ofMinutes(2),
        () -> {
          try {
            Matcher m = created.matcher(Files.exists(log) ? Files.readString(log) : "");
            return m.find() ? m.group(1) : null;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        name -> name != null);
  }

  /** {@code bin/slipway} with the cluster's KUBECONFIG and PATH, plus {@code env}. */
  private Command slipwayCommand(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(LoopbackCluster.ROOT.resolve("bin/slipway").toString());
    command.addAll(List.of(args));
    return Command.of(command).in(work).env(cluster.env()).env(env);
  }

  /**
   * A Dockerfile whose RUN step sleeps {@code seconds}; {@code marker} in the step's command line
   * lets {@link #awaitStepProcess} find its process on the node (host PID view).
   */
  static String slowDockerfile(String marker, int seconds) {
    return "FROM "
        + Busybox.IN_REGISTRY
        + "\nARG NONCE\nRUN sh -c 'sleep "
        + seconds
        + "; echo "
        + marker
        + "-$NONCE' > /out\n";
  }

  /** The RUN step's process, seen from the node: builder pods share its network, not its PIDs. */
  void awaitStepProcess(String marker) {
    Await.until(
        "the RUN step's process on the node",
        Duration.ofMinutes(2),
        () -> stepProcesses(marker),
        n -> n > 0);
  }

  void awaitNoStepProcess(String marker) {
    Await.until(
        "the RUN step's process to be gone",
        Duration.ofMinutes(1),
        () -> stepProcesses(marker),
        n -> n == 0);
  }

  /** Processes whose command line has {@code echo <marker>-}, as {@link #slowDockerfile}'s step. */
  private long stepProcesses(String marker) {
    return Command.of(List.of("pgrep", "-f", "echo " + marker + "-"))
        .timeout(Duration.ofSeconds(10))
        .in(work)
        .run()
        .stdout()
        .lines()
        .count();
  }

  /** The digest the registry serves for {@code image}, read by skopeo (not by Slipway). */
  String registryDigest(String image) {
    return Command.of(
            List.of(
                "skopeo",
                "inspect",
                "--tls-verify=false",
                "--format",
                "{{.Digest}}",
                "docker://" + image))
        .timeout(Duration.ofMinutes(1))
        .in(work)
        .run()
        .requireSuccess()
        .stdout()
        .trim();
  }

  /**
   * Runs {@code image} in a pod on node 1, whose containerd the journeys pull into, and returns
   * what it printed.
   */
  String runPod(String name, String image) {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: %s
        spec:
          hostNetwork: true
          nodeName: "%s"
          restartPolicy: Never
          containers:
            - name: app
              image: %s
              imagePullPolicy: Never
        """
            .formatted(name, NAMESPACE, LoopbackCluster.nodeName(1), image));
    Await.until(
        "pod " + name + " to finish",
        Duration.ofMinutes(2),
        () -> client.pods().inNamespace(NAMESPACE).withName(name).get(),
        p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase()));
    return client.pods().inNamespace(NAMESPACE).withName(name).getLog();
  }

  String builderLog() {
    return client.pods().inNamespace(NAMESPACE).withName(BUILDER + "-0").getLog();
  }

  /** The logs of every pod in the operator's namespace. */
  String operatorLog() {
    StringBuilder log = new StringBuilder();
    for (Pod pod : client.pods().inNamespace(SYSTEM_NAMESPACE).list().getItems()) {
      log.append(
          client
              .pods()
              .inNamespace(SYSTEM_NAMESPACE)
              .withName(pod.getMetadata().getName())
              .getLog());
    }
    return log.toString();
  }

  /**
   * Operator and builder logs, events and resources of both namespaces in {@code
   * e2e/target/e2e-logs/}, for whoever reads a red run.
   */
  void saveLogs() throws IOException {
    Path logs = Files.createDirectories(LoopbackCluster.ROOT.resolve("e2e/target/e2e-logs"));
    for (String ns : List.of(SYSTEM_NAMESPACE, NAMESPACE)) {
      Files.writeString(
          logs.resolve(ns + "-describe.txt"),
          cluster.kubectl("describe", "all,builders,buildrequests", "-n", ns).stdout()
              + cluster.kubectl("get", "events", "-n", ns, "--sort-by=.lastTimestamp").stdout());
      for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
        String name = pod.getMetadata().getName();
        Files.writeString(
            logs.resolve(ns + "-" + name + ".log"),
            cluster.kubectl("logs", "-n", ns, name, "--all-containers").stdout()
                + cluster
                    .kubectl("logs", "-n", ns, name, "--all-containers", "--previous")
                    .stdout());
      }
    }
  }

  /** The hex SHA-256 of {@code value}: a Dockerfile step compares a secret with it. */
  static String sha256(String value) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}
