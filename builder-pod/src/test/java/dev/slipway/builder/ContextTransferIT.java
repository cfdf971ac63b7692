package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import dev.slipway.session.credentials.DockerConfig;
import dev.slipway.session.serving.AnsweringSession;
import dev.slipway.session.serving.ExportReceiver;
import dev.slipway.testing.BuilderProcess;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A context sent through the session to a real builder process, counted on both sides: the client
 * side counts the files it opens and the builder's questions; the builder counts the bytes it
 * received (its metrics). The transfer is a bounded number of exchanges, not one per file, and
 * costs the files' bytes plus a bounded overhead per file; a rebuild reads only what changed.
 */
@Timeout(300)
class ContextTransferIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final String TOKEN = UUID.randomUUID().toString();
  private static final int FILES = 2500;
  private static final int FILE_BYTES = 3000;

  /** Framing of one small file on the wire: its path, the chunk's fields, message headers. */
  private static final int OVERHEAD_PER_FILE = 128;

  @TempDir static Path work;
  private static BuilderProcess builder;
  private static ManagedChannel transport;
  private final List<AnsweringSession> sessions = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startTheBuilder() throws IOException {
    Path token = Files.writeString(work.resolve("token"), TOKEN);
    builder = BuilderProcess.start(REPO, work.resolve("state"), token, Map.of());
    transport = NettyChannelBuilder.forAddress("127.0.0.1", builder.port()).usePlaintext().build();
  }

  @AfterAll
  static void stopTheBuilder() throws Exception {
    if (transport != null) {
      transport.shutdownNow();
    }
    if (builder != null) {
      builder.close();
    }
  }

  @AfterEach
  void closeSessions() {
    sessions.forEach(AnsweringSession::close);
  }

  @Test
  void aContextCrossesInFewExchangesAndARebuildReadsOnlyWhatChanged() throws Exception {
    Path context = Files.createDirectories(work.resolve("context"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY src /src\n");
    Random random = new Random(15);
    long contentBytes = 0;
    for (int i = 0; i < FILES; i++) {
      Path dir = Files.createDirectories(context.resolve("src/d" + i / 100));
      byte[] data = new byte[FILE_BYTES];
      random.nextBytes(data);
      Files.write(dir.resolve("f" + i + ".bin"), data);
      contentBytes += data.length;
    }

    Counted cold = build(context);
    assertThat(cold.opened).as("every file once").hasSize(FILES + 1).doesNotHaveDuplicates();
    assertThat(cold.reads.get())
        .as("read requests: batches of files, not one per file")
        .isLessThanOrEqualTo(FILES / 1000 + 4);
    assertThat(cold.credits.get())
        .as("credit grants: one per half window, not one per file")
        .isLessThanOrEqualTo((int) (contentBytes / (2 << 20)) + cold.reads.get() + 1);
    assertThat(cold.receivedBytes)
        .as("bytes on the session: the contents plus bounded framing and the listings")
        .isLessThanOrEqualTo(contentBytes + 3L * FILES * OVERHEAD_PER_FILE);

    Counted noOp = build(context);
    assertThat(noOp.opened)
        .as("a no-op rebuild opens only the Dockerfile")
        .containsExactly("Dockerfile");

    Files.write(context.resolve("src/d7/f700.bin"), new byte[] {1, 2, 3});
    Counted changed = build(context);
    assertThat(changed.opened).containsExactlyInAnyOrder("Dockerfile", "src/d7/f700.bin");
  }

  /** What one build asked of the client. */
  private record Counted(
      List<String> opened, AtomicInteger reads, AtomicInteger credits, long receivedBytes) {}

  private Counted build(Path context) throws Exception {
    String sessionId = "s-" + UUID.randomUUID();
    Counted counted =
        new Counted(new CopyOnWriteArrayList<>(), new AtomicInteger(), new AtomicInteger(), 0);
    LocalSession local =
        LocalSession.builder()
            .context("context", context)
            .credentials(DockerConfig.empty())
            .build();
    AnsweringSession session =
        new AnsweringSession(
            new CountingSession(local, counted.opened),
            ExportReceiver.NONE,
            Hello.newBuilder()
                .setSessionId(sessionId)
                .addContexts("context")
                .putContextIdentities("context", "test-host:" + context)
                .build());
    sessions.add(session);
    double active = builder.metric("slipway_sessions_active");
    session.open(
        SessionGrpc.newStub(ClientInterceptors.intercept(authorized(), questions(counted))));
    builder.awaitMetric("slipway_sessions_active", v -> v > active, Duration.ofSeconds(10));
    double before = builder.metric("slipway_session_received_bytes_total");

    Iterator<SolveEvent> events =
        ControlGrpc.newBlockingStub(authorized())
            .withDeadlineAfter(2, TimeUnit.MINUTES)
            .solve(
                SolveRequest.newBuilder()
                    .setBuildId("b-" + UUID.randomUUID())
                    .setSessionId(sessionId)
                    .setContext(
                        BuildContext.newBuilder()
                            .setClient(ClientContext.newBuilder().setName("context")))
                    .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
                    .build());
    SolveEvent last = null;
    while (events.hasNext()) {
      last = events.next();
    }
    assertThat(last).isNotNull();
    assertThat(last.hasResult()).as("%s", last).isTrue();
    long received = (long) (builder.metric("slipway_session_received_bytes_total") - before);
    session.close();
    return new Counted(counted.opened, counted.reads, counted.credits, received);
  }

  private static Channel authorized() {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
    return ClientInterceptors.intercept(
        transport, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Counts the builder's read requests and credit grants as the client receives them. */
  private static ClientInterceptor questions(Counted counted) {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(
          MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            super.start(
                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                  @Override
                  public void onMessage(A message) {
                    if (message instanceof BuilderMessage m) {
                      if (m.hasRead()) {
                        counted.reads.incrementAndGet();
                      } else if (m.hasCredit()) {
                        counted.credits.incrementAndGet();
                      }
                    }
                    super.onMessage(message);
                  }
                },
                headers);
          }
        };
      }
    };
  }

  /** The client's local session, recording every file it opens for the builder. */
  private record CountingSession(BuildSession local, List<String> opened) implements BuildSession {
    @Override
    public ContextFiles context(String name) throws SessionException {
      ContextFiles files = local.context(name);
      return new ContextFiles() {
        @Override
        public String identity() {
          return files.identity();
        }

        @Override
        public List<ContextFile> stat(
            List<String> include, List<String> exclude, List<String> follow)
            throws SessionException {
          return files.stat(include, exclude, follow);
        }

        @Override
        public InputStream open(String path) throws SessionException, IOException {
          opened.add(path);
          return files.open(path);
        }
      };
    }

    @Override
    public Optional<byte[]> secret(String id) throws SessionException {
      return local.secret(id);
    }

    @Override
    public Optional<Path> sshAgentSocket(String id) throws SessionException {
      return local.sshAgentSocket(id);
    }

    @Override
    public OutputStream outputStream(OutputDestination dest) throws SessionException {
      return local.outputStream(dest);
    }

    @Override
    public Optional<RegistryCredentials> registryCredentials(String host) throws SessionException {
      return local.registryCredentials(host);
    }

    @Override
    public String ownerKey() {
      return local.ownerKey();
    }
  }
}
