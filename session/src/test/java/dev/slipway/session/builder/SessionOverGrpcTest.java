package dev.slipway.session.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.serving.AnsweringSession;
import dev.slipway.session.serving.LocalOutputs;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answering side against the builder side over an in-process gRPC channel: what the engine asks
 * of a {@link GrpcBuildSession} arrives at the client's {@link BuildSession} and back.
 */
class SessionOverGrpcTest {
  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private static final Caller TESTER =
      new Caller("tester", EnumSet.allOf(GrantScope.class), Optional.empty());

  private final SessionRegistry registry = new SessionRegistry();
  private final AtomicLong fileBytes = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private Server server;
  private ManagedChannel channel;
  private final List<AnsweringSession> clients = new ArrayList<>();

  @BeforeEach
  void startABuilder() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    new SessionService(
                        registry,
                        Duration.ofSeconds(10),
                        new SessionTraffic() {
                          @Override
                          public void received(long bytes) {
                            messages.incrementAndGet();
                          }

                          @Override
                          public void fileBytes(long bytes) {
                            fileBytes.addAndGet(bytes);
                          }
                        },
                        timer),
                    new CallerAuth(CallerSource.anyone(TESTER.principal()))))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    clients.forEach(AnsweringSession::close);
    channel.shutdownNow();
    server.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void theBuilderListsAndReadsTheClientsFilesWithinItsReadWindow() throws Exception {
    byte[] big = new byte[9 << 20]; // over two read windows: the client must wait for credit
    new Random(7).nextBytes(big);
    files.put("big.bin", big);
    for (int i = 0; i < 30; i++) {
      files.put("small/" + i + ".txt", ("file " + i).getBytes(StandardCharsets.UTF_8));
    }
    GrpcBuildSession build = build(attach(hello("s1")), SolveRequest.getDefaultInstance());

    ContextFiles context = build.context("context");
    assertThat(context.identity()).isEqualTo("client:laptop:/src/app");
    assertThat(context.stat(List.of(), List.of(), List.of()))
        .extracting(ContextFile::path)
        .containsExactlyElementsOf(files.keySet());
    try (InputStream in = context.open("big.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
    Map<String, byte[]> read = new LinkedHashMap<>();
    context.readAll(
        new ArrayList<>(files.keySet()),
        (path, contents) -> read.put(path, contents.readAllBytes()));
    assertThat(read).containsExactlyEntriesOf(files);
    assertThat(fileBytes.get()).isGreaterThanOrEqualTo(2L * big.length);
  }

  @Test
  void smallFilesArriveManyToAMessage() throws Exception {
    for (int i = 0; i < 2000; i++) {
      files.put("src/f" + i, ("contents of file " + i).repeat(20).getBytes(StandardCharsets.UTF_8));
    }
    files.put("big.bin", new byte[1 << 20]);
    ContextFiles context =
        build(attach(hello("s1")), SolveRequest.getDefaultInstance()).context("context");
    long before = messages.get();

    Map<String, byte[]> read = new LinkedHashMap<>();
    context.readAll(
        new ArrayList<>(files.keySet()),
        (path, contents) -> read.put(path, contents.readAllBytes()));

    assertThat(read).containsExactlyEntriesOf(files);
    long sent = messages.get() - before;
    // 2000 files of ~400 bytes and 1 MiB of another: a message per 256 KiB or 1024 chunks, not
    // one per file (the big file's 4 chunks may each close a pack)
    assertThat(sent).isLessThanOrEqualTo(20);
    assertThat(fileBytes.get()).isEqualTo(files.values().stream().mapToLong(b -> b.length).sum());
  }

  @Test
  void secretsAndCredentialsComeFromTheClientOnlyWhenItServesThem() throws Exception {
    GrpcBuildSession build = build(attach(hello("s2")), SolveRequest.getDefaultInstance());

    assertThat(build.secret("token").map(String::new)).contains("t0ps3cret");
    assertThat(build.secret("offered-but-gone")).isEmpty();
    assertThat(build.secret("never-offered")).isEmpty();
    assertThat(build.registryCredentials("registry.example"))
        .contains(new RegistryCredentials("me", "pw", false));
    assertThat(build.registryCredentials("elsewhere.example")).isEmpty();
  }

  @Test
  void aClientsErrorReachesTheEngineWithItsMessage() throws Exception {
    GrpcBuildSession build = build(attach(hello("s3")), SolveRequest.getDefaultInstance());

    assertThatThrownBy(() -> build.context("context").open("missing.txt").read())
        .hasMessageContaining("no file missing.txt here");
    assertThatThrownBy(() -> build.context("other"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("which the client does not serve");
  }

  @Test
  void outputsTravelBackToTheClientsStandardOutputAndFiles() throws Exception {
    Path tar = dir.resolve("out/image.tar");
    SolveRequest asked =
        SolveRequest.newBuilder()
            .addOutputs(Output.newBuilder().setType(OutputType.OUTPUT_TYPE_TAR).setDest("-"))
            .addOutputs(
                Output.newBuilder().setType(OutputType.OUTPUT_TYPE_OCI).setDest(tar.toString()))
            .build();
    SolveRequest remote = LocalOutputs.forRemote(asked);
    assertThat(remote.getOutputs(1).getDest()).isEqualTo("client:" + tar);
    LocalOutputs outputs = new LocalOutputs(remote, new Client());
    GrpcBuildSession build = build(attach(hello("s4"), outputs), remote);

    byte[] archive = new byte[600_000];
    new Random(1).nextBytes(archive);
    try (OutputStream out = build.outputStream(new OutputDestination.Stdout())) {
      out.write("to stdout".getBytes(StandardCharsets.UTF_8));
    }
    try (OutputStream out = build.outputStream(new OutputDestination.ClientPath(tar.toString()))) {
      out.write(archive);
    }
    outputs.awaitAll(Duration.ofSeconds(10));

    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("to stdout");
    assertThat(Files.readAllBytes(tar)).isEqualTo(archive);
    assertThatThrownBy(() -> build.outputStream(new OutputDestination.ClientPath("/elsewhere")))
        .hasMessageContaining("no output of this build goes to \"client:/elsewhere\"");
  }

  @Test
  void aStepsAgentConnectionIsRelayedToTheClientsAgent() throws Exception {
    Path agentSocket = dir.resolve("agent.sock");
    try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      agent.bind(UnixDomainSocketAddress.of(agentSocket));
      Thread echo = Thread.ofVirtual().start(() -> echoOnce(agent));
      Client client = new Client();
      client.agent = agentSocket;
      GrpcBuildSession build =
          build(attach(hello("s5"), client, outputs -> {}), SolveRequest.getDefaultInstance());

      Path relay = build.sshAgentSocket("default").orElseThrow();
      try (SocketChannel step = SocketChannel.open(UnixDomainSocketAddress.of(relay))) {
        step.write(ByteBuffer.wrap("sign this".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer reply = ByteBuffer.allocate(9);
        while (reply.hasRemaining() && step.read(reply) >= 0) {}
        assertThat(new String(reply.array(), StandardCharsets.UTF_8)).isEqualTo("sign this");
      }
      build.close();
      echo.join(5000);
      assertThat(Files.exists(relay)).isFalse();
    }
  }

  @Test
  void aSecondClientWithALiveSessionsIdIsRefused() throws Exception {
    attach(hello("dup"));
    AnsweringSession second = new AnsweringSession(new Client(), chunk -> {}, hello("dup"));
    clients.add(second);
    second.open(SessionGrpc.newStub(channel));

    awaitEnd(second);
    assertThat(second.endReason()).startsWith("ALREADY_EXISTS");
  }

  @Test
  void whenTheClientClosesTheBuildsSessionIsLost() throws Exception {
    AnsweringSession client = new AnsweringSession(new Client(), chunk -> {}, hello("gone"));
    client.open(SessionGrpc.newStub(channel));
    AttachedSession attached = registry.claim(TESTER, "gone", Duration.ofSeconds(5)).orElseThrow();
    GrpcBuildSession build = build(attached, SolveRequest.getDefaultInstance());

    client.close();

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!attached.isLost() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(attached.lostReason()).isEqualTo("the client closed it");
    assertThatThrownBy(() -> build.secret("token"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("the client session gone was lost");
  }

  private static Hello hello(String id) {
    return Hello.newBuilder()
        .setSessionId(id)
        .addContexts("context")
        .putContextIdentities("context", "laptop:/src/app")
        .addSecretIds("token")
        .addSecretIds("offered-but-gone")
        .addSshIds("default")
        .setServesCredentials(true)
        .setClientVersion("test")
        .build();
  }

  private AttachedSession attach(Hello hello) throws Exception {
    return attach(hello, chunk -> {});
  }

  private AttachedSession attach(Hello hello, dev.slipway.session.serving.ExportReceiver outputs)
      throws Exception {
    return attach(hello, new Client(), outputs);
  }

  private AttachedSession attach(
      Hello hello, BuildSession client, dev.slipway.session.serving.ExportReceiver outputs)
      throws Exception {
    AnsweringSession answering = new AnsweringSession(client, outputs, hello);
    clients.add(answering);
    answering.open(SessionGrpc.newStub(channel));
    return registry.claim(TESTER, hello.getSessionId(), Duration.ofSeconds(5)).orElseThrow();
  }

  private static GrpcBuildSession build(AttachedSession attached, SolveRequest request) {
    return new GrpcBuildSession(attached, request);
  }

  private static void awaitEnd(AnsweringSession s) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (s.endReason() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static void echoOnce(ServerSocketChannel agent) {
    try (SocketChannel c = agent.accept()) {
      ByteBuffer b = ByteBuffer.allocate(1024);
      while (c.read(b) >= 0) {
        b.flip();
        while (b.hasRemaining()) {
          c.write(b);
        }
        b.clear();
      }
    } catch (IOException ignored) {
      // the relay hung up
    }
  }

  /** The client's resources: the test's files, one secret, one registry, an agent, stdout. */
  private final class Client implements BuildSession {
    Path agent;

    @Override
    public ContextFiles context(String name) {
      return new ContextFiles() {
        @Override
        public String identity() {
          return "laptop:/src/app";
        }

        @Override
        public List<ContextFile> stat(
            List<String> includePatterns, List<String> excludePatterns, List<String> followPaths) {
          return files.entrySet().stream()
              .map(
                  e ->
                      new ContextFile(
                          e.getKey(), ContextFile.S_IFREG | 0644, e.getValue().length, 0, 0, 0, ""))
              .toList();
        }

        @Override
        public InputStream open(String path) throws SessionException {
          byte[] content = files.get(path);
          if (content == null) {
            throw new SessionException("no file " + path + " here");
          }
          return new ByteArrayInputStream(content);
        }
      };
    }

    @Override
    public Optional<byte[]> secret(String id) {
      return id.equals("token")
          ? Optional.of("t0ps3cret".getBytes(StandardCharsets.UTF_8))
          : Optional.empty();
    }

    @Override
    public Optional<Path> sshAgentSocket(String id) {
      return Optional.ofNullable(agent);
    }

    @Override
    public OutputStream outputStream(OutputDestination dest) {
      return stdout;
    }

    @Override
    public Optional<RegistryCredentials> registryCredentials(String host) {
      return host.equals("registry.example")
          ? Optional.of(new RegistryCredentials("me", "pw", false))
          : Optional.empty();
    }
  }
}
