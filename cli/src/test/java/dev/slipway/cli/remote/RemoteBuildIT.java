package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.SshAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway build --builder} against a real {@code slipway-builder} process on loopback: what
 * crosses the session, secrets and ssh agents in RUN, the builder's capacity, cancellation when the
 * CLI dies, and the token. Needs what the engine's tests need (root, an OCI runtime, the registry
 * on 127.0.0.1:5000 with busybox).
 */
class RemoteBuildIT {
  private static final String BASE = Busybox.IN_REGISTRY;
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir static Path shared;
  private static BuilderProcess builder;
  private static Path token;
  private static Path dockerConfig;

  @TempDir Path work;

  @BeforeAll
  static void startBuilder() throws Exception {
    token = shared.resolve("token");
    Files.writeString(token, "it-" + System.nanoTime() + "\n");
    dockerConfig = Files.createDirectories(shared.resolve("docker"));
    builder =
        BuilderProcess.start(
            REPO, shared.resolve("state"), token, Map.of("SLIPWAY_MAX_PARALLEL_BUILDS", "2"));
  }

  @AfterAll
  static void stopBuilder() throws Exception {
    if (builder != null) {
      builder.close();
    }
  }

  @Test
  void aSecondBuildThroughTheDaemonReusesTheConnectionOfTheFirst() throws Exception {
    Path context = Files.createDirectories(work.resolve("reuse"));
    Files.writeString(context.resolve("Dockerfile"), "FROM " + BASE + "\nCOPY a /a\n");
    Files.writeString(context.resolve("a"), "a");

    Command.Running first = build(context, List.of());
    assertThat(first.await()).as(first.output()).isZero();
    java.util.Set<Integer> afterFirst = connectionsTo(builder.port());
    Files.writeString(context.resolve("a"), "changed");
    Command.Running second = build(context, List.of());
    assertThat(second.await()).as(second.output()).isZero();

    // bin/slipway hands both builds to one warm daemon, which keeps its channel to the builder:
    // the connection the first build opened is still up, and the second build opened no other
    assertThat(afterFirst).isNotEmpty();
    assertThat(connectionsTo(builder.port())).isEqualTo(afterFirst);
  }

  /**
   * The local ports of this machine's established TCP connections to loopback port {@code port}.
   */
  private static java.util.Set<Integer> connectionsTo(int port) throws IOException {
    java.util.Set<Integer> ports = new java.util.TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String local = f[1];
        String remote = f[2];
        int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
        if (remotePort == port && f[3].equals("01")) { // 01: ESTABLISHED
          ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }

  @Test
  void slipwayHistoryReadsTheBuildersRecordsAfterTheBuild() throws Exception {
    Path context = Files.createDirectories(work.resolve("history-remote"));
    Files.writeString(
        context.resolve("Dockerfile"), "FROM " + BASE + "\nRUN echo remote-words && exit 4\n");
    // a builder does not see the client's directory: the image's name names the build
    Command.Running failed = build(context, List.of("-t", "history-remote:1"));
    assertThat(failed.await()).as(failed.output()).isEqualTo(1);

    List<String> flags = List.of("--builder", builder.address(), "--token-file", token.toString());
    String ls = history("ls", flags);
    assertThat(ls).contains("BUILD ID", "history-remote", "Error");
    String inspect = history("inspect", flags);
    assertThat(inspect)
        .containsPattern("Name: +\\S*history-remote:1")
        .contains("Failing Step:  [2/2] RUN echo remote-words && exit 4")
        .contains("Exit Code:     4")
        .contains("  remote-words");
    assertThat(history("logs", flags)).contains("#2 [2/2] RUN echo remote-words && exit 4");

    Path wrong = Files.writeString(work.resolve("wrong-token"), "not-the-token\n");
    Command.Result refused =
        Command.of(
                REPO.resolve("bin/slipway").toString(),
                "history",
                "ls",
                "--builder",
                builder.address(),
                "--token-file",
                wrong.toString())
            .run();
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr()).contains("UNAUTHENTICATED").doesNotContain("history-remote");
  }

  private static String history(String command, List<String> flags) {
    List<String> all =
        new ArrayList<>(List.of(REPO.resolve("bin/slipway").toString(), "history", command));
    all.addAll(flags);
    Command.Result r = Command.of(all).run();
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    return r.stdout();
  }

  @Test
  void theBuilderAnswersAFrontendCall() throws Exception {
    Path context = Files.createDirectories(work.resolve("call"));
    Files.writeString(
        context.resolve("Dockerfile"), "# app the app\nFROM " + BASE + " AS app\nCMD echo\n");

    Command.Running targets = build(context, List.of("--call=targets"));
    assertThat(targets.await()).as(targets.output()).isZero();
    assertThat(targets.output()).contains("TARGET        DESCRIPTION\napp (default) the app\n");
    Command.Running check = build(context, List.of("--call=check,format=json"));
    assertThat(check.await()).as("a check with findings exits 1").isEqualTo(1);
    assertThat(check.output()).contains("\"ruleName\": \"JSONArgsRecommended\"");
  }

  @Test
  void transfersOnlyTheCopiedDirectoryAndThenOnlyTheChangedFile() throws Exception {
    Path context = work.resolve("big");
    long copiedBytes = bigContext(context);
    Files.writeString(context.resolve("Dockerfile"), "FROM " + BASE + "\nCOPY small/ /small/\n");

    double before = builder.metric("slipway_session_received_bytes_total");
    Command.Running first = build(context, List.of());
    assertThat(first.await()).as(first.output()).isZero();
    double sent = builder.metric("slipway_session_received_bytes_total") - before;
    System.out.printf(
        "first build: %.0f bytes over the session for a %d-byte directory%n", sent, copiedBytes);
    assertThat(sent).isBetween((double) copiedBytes, copiedBytes * 1.10);

    Path touched = context.resolve("small/part-07.bin");
    Files.setLastModifiedTime(touched, FileTime.from(Instant.now().plusSeconds(5)));
    double filesBefore = builder.metric("slipway_session_file_bytes_total");
    Command.Running second = build(context, List.of());
    assertThat(second.await()).as(second.output()).isZero();
    double fileBytes = builder.metric("slipway_session_file_bytes_total") - filesBefore;
    System.out.printf("second build after touching one file: %.0f file bytes%n", fileBytes);
    // Every build reads its Dockerfile; of the context, only the touched file is sent again.
    assertThat(fileBytes)
        .isEqualTo((double) Files.size(touched) + Files.size(context.resolve("Dockerfile")));
  }

  /** 20,000 files, 400 MB, of which small/ (1 MiB in 16 files) is what the Dockerfile copies. */
  private static long bigContext(Path context) throws IOException {
    byte[] block = new byte[20_000];
    new Random(7).nextBytes(block);
    for (int i = 0; i < 19_984; i++) {
      Path dir = context.resolve("bulk/d" + (i / 500));
      if (i % 500 == 0) {
        Files.createDirectories(dir);
      }
      block[0] = (byte) i;
      Files.write(dir.resolve("f" + i + ".bin"), block);
    }
    Path small = Files.createDirectories(context.resolve("small"));
    byte[] part = new byte[65_536];
    long total = 0;
    for (int i = 0; i < 16; i++) {
      new Random(i).nextBytes(part);
      Files.write(small.resolve(String.format("part-%02d.bin", i)), part);
      total += part.length;
    }
    return total;
  }

  @Test
  void secretAndForwardedSshAgentWorkInRunAndTheSecretIsInNoLayer() throws Exception {
    Path context = Files.createDirectories(work.resolve("ctx"));
    copySshAddWithLibraries(context.resolve("tools"));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM "
            + BASE
            + "\nCOPY tools /tools\n"
            + "RUN --mount=type=secret,id=token sha256sum /run/secrets/token > /token.sha\n"
            + "RUN --mount=type=ssh /tools/ld-linux-x86-64.so.2 --library-path /tools"
            + " /tools/ssh-add -l > /ssh-keys.txt\n");
    String secret = "s3cr3t-" + System.nanoTime();
    Path secretFile = work.resolve("secret.txt");
    Files.writeString(secretFile, secret);

    try (SshAgent agent = SshAgent.start(work.resolve("ssh"), "slipway-it-key")) {
      Path image = work.resolve("image.tar");
      Command.Running cli =
          build(
              context,
              Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
              List.of(
                  "--secret",
                  "id=token,src=" + secretFile,
                  "--ssh",
                  "default",
                  "-o",
                  "type=oci,dest=" + image + ",compression=uncompressed"));
      assertThat(cli.await()).as(cli.output()).isZero();

      String archive = new String(Files.readAllBytes(image), StandardCharsets.ISO_8859_1);
      assertThat(archive).contains(agent.key().fingerprint() + " slipway-it-key (ED25519)");
      assertThat(archive).contains(sha256(secret) + "  /run/secrets/token");
      assertThat(archive).doesNotContain(secret);
      assertThat(cli.output()).doesNotContain(secret);
      assertThat(builder.log()).doesNotContain(secret);
    }
  }

  /** The host's ssh-add with its shared libraries and loader: the busybox image has no ssh. */
  private static void copySshAddWithLibraries(Path tools) throws Exception {
    Files.createDirectories(tools);
    Path sshAdd = Path.of(run("which", "ssh-add").trim()).toRealPath();
    Files.copy(sshAdd, tools.resolve("ssh-add"));
    for (String line : run("ldd", sshAdd.toString()).lines().toList()) {
      String[] parts = line.trim().split("\\s+");
      String lib = parts.length >= 3 && parts[1].equals("=>") ? parts[2] : parts[0];
      if (lib.startsWith("/")) {
        Files.copy(Path.of(lib).toRealPath(), tools.resolve(Path.of(lib).getFileName()));
      }
    }
  }

  @Test
  void runsTwoBuildsAtOnceAndRefusesAThird() throws Exception {
    List<Command.Running> running = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      running.add(build(slowContext("two-" + i, 12), List.of()));
    }
    assertThat(builder.awaitMetric("slipway_builds_active", v -> v == 2, Duration.ofSeconds(60)))
        .isEqualTo(2);
    Command.Running third = build(slowContext("third", 1), List.of());
    assertThat(third.await()).isNotZero();
    assertThat(third.output()).contains("is busy").contains("--max-builds 2");
    for (Command.Running cli : running) {
      assertThat(cli.await()).as(cli.output()).isZero();
    }
  }

  @Test
  void killingTheCliCancelsItsBuildAndFreesItsSlot() throws Exception {
    double cancelledBefore = cancelledBuilds();
    Command.Running cli = build(slowContext("killed", 317), List.of());
    assertThat(builder.awaitMetric("slipway_builds_active", v -> v >= 1, Duration.ofSeconds(60)))
        .isGreaterThanOrEqualTo(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!sleepRunning(317) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(sleepRunning(317)).as("the RUN step started").isTrue();

    cli.process().destroyForcibly().waitFor();

    assertThat(builder.awaitMetric("slipway_builds_active", v -> v == 0, Duration.ofSeconds(30)))
        .isZero();
    assertThat(cancelledBuilds()).isEqualTo(cancelledBefore + 1);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sleepRunning(317) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(sleepRunning(317)).as("the RUN step's process is gone").isFalse();
  }

  private static double cancelledBuilds() throws Exception {
    return builder.metric("slipway_builds_total{result=\"cancelled\"}");
  }

  private static boolean sleepRunning(int seconds) throws Exception {
    return Command.of("pgrep", "-f", "^sleep " + seconds + "$").run().succeeded();
  }

  @Test
  void refusesAWrongToken() throws Exception {
    Path context = slowContext("token", 1);
    Path wrong = work.resolve("wrong-token");
    Files.writeString(wrong, "not-the-token");
    Command.Running cli =
        startCli(
            work.resolve("wrong.log"),
            Map.of("DOCKER_CONFIG", dockerConfig.toString()),
            List.of(
                "--builder",
                builder.address(),
                "--token-file",
                wrong.toString(),
                "--progress",
                "plain",
                context.toString()));
    assertThat(cli.await()).isNotZero();
    assertThat(cli.output()).contains("refused").contains("token is not this builder's");

    Command.Running none =
        startCli(
            work.resolve("none.log"),
            Map.of("DOCKER_CONFIG", dockerConfig.toString()),
            List.of("--builder", builder.address(), context.toString()));
    assertThat(none.await()).isNotZero();
    assertThat(none.output()).contains("requires a token");
  }

  @Test
  void reportsCapacityAndReplaysAFinishedBuild() throws Exception {
    Command.Running cli = build(slowContext("status", 0), List.of());
    assertThat(cli.await()).as(cli.output()).isZero();
    io.grpc.ManagedChannel channel =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forTarget(
                builder.address().substring("grpc://".length()))
            .usePlaintext()
            .build();
    try {
      io.grpc.Metadata headers = new io.grpc.Metadata();
      headers.put(
          io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + Files.readString(token).trim());
      var control =
          dev.slipway.api.control.v1.ControlGrpc.newBlockingStub(channel)
              .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
      var info = control.info(dev.slipway.api.control.v1.InfoRequest.getDefaultInstance());
      assertThat(info.getMaxParallelBuilds()).isEqualTo(2);
      assertThat(info.getRuntime()).matches("(crun|runc) .+");
      assertThat(info.getSnapshotter()).isIn("overlay", "copy");

      var builds =
          control.listBuilds(dev.slipway.api.control.v1.ListBuildsRequest.getDefaultInstance());
      var done =
          builds.getBuildsList().stream()
              .filter(
                  b -> b.getState() == dev.slipway.api.control.v1.BuildState.BUILD_STATE_SUCCEEDED)
              .findFirst()
              .orElseThrow();
      List<dev.slipway.api.control.v1.SolveEvent> replay = new ArrayList<>();
      control
          .status(
              dev.slipway.api.control.v1.StatusRequest.newBuilder()
                  .setBuildId(done.getBuildId())
                  .build())
          .forEachRemaining(replay::add);
      assertThat(replay.getFirst().getBuildId()).isEqualTo(done.getBuildId());
      assertThat(replay.getLast().hasResult()).isTrue();
    } finally {
      channel.shutdownNow();
    }
  }

  private Path slowContext(String name, int sleepSeconds) throws IOException {
    Path context = Files.createDirectories(work.resolve(name));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM "
            + BASE
            + "\nRUN echo "
            + name
            + "-"
            + System.nanoTime()
            + " && sleep "
            + sleepSeconds
            + "\n");
    return context;
  }

  private Command.Running build(Path context, List<String> args) throws IOException {
    return build(context, Map.of(), args);
  }

  private Command.Running build(Path context, Map<String, String> env, List<String> args)
      throws IOException {
    List<String> all = new ArrayList<>();
    all.addAll(
        List.of(
            "--builder",
            builder.address(),
            "--token-file",
            token.toString(),
            "--progress",
            "plain"));
    all.addAll(args);
    all.add(context.toString());
    Map<String, String> environment = new java.util.HashMap<>(env);
    environment.put("DOCKER_CONFIG", dockerConfig.toString());
    return startCli(Files.createTempFile(work, "cli-", ".log"), environment, all);
  }

  /** A real {@code bin/slipway build ARGS}, its output (both streams) going to {@code log}. */
  private static Command.Running startCli(Path log, Map<String, String> env, List<String> args) {
    List<String> command =
        new ArrayList<>(List.of(REPO.resolve("bin/slipway").toString(), "build"));
    command.addAll(args);
    return Command.of(command).env("SSH_AUTH_SOCK", null).env(env).start(log);
  }

  private static String run(String... command) {
    return Command.of(List.of(command)).output();
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
