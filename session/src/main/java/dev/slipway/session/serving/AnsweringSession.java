package dev.slipway.session.serving;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.CredentialsResponse;
import dev.slipway.api.session.v1.FileChunk;
import dev.slipway.api.session.v1.FileChunks;
import dev.slipway.api.session.v1.FileStat;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.Pong;
import dev.slipway.api.session.v1.ReadFilesRequest;
import dev.slipway.api.session.v1.RequestFailed;
import dev.slipway.api.session.v1.RequestFailure;
import dev.slipway.api.session.v1.SecretResponse;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.api.session.v1.SshChannelOpen;
import dev.slipway.api.session.v1.StatRequest;
import dev.slipway.api.session.v1.StatResponse;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The client's end of a session with a builder: it opens the stream, says what it serves, and
 * answers the builder's questions from a {@link BuildSession}. The CLI answers from the same
 * session a local build uses — so a remote build sees exactly the files, secrets, ssh agents and
 * credentials a local one would; the operator answers from Kubernetes Secrets. Output bytes the
 * builder sends back go to an {@link ExportReceiver}.
 */
public final class AnsweringSession implements AutoCloseable {
  private static final int STAT_BATCH = 1000;
  private static final int CHUNK = 256 * 1024;
  private static final int PACK_CHUNKS = 1024;
  private static final int ON_READY_THRESHOLD = 4 << 20;
  private static final Duration CREDIT_PATIENCE = Duration.ofMinutes(5);

  private final BuildSession local;
  private final ExportReceiver outputs;
  private final Hello hello;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("session").unstarted(r));
  private final Map<Long, ReadCredit> reads = new ConcurrentHashMap<>();
  private final AgentChannels agents = new AgentChannels(this::send);
  private final Object sendLock = new Object();
  private ClientCallStreamObserver<ClientMessage> out;
  private volatile String endReason;

  /**
   * @param local what the answers come from
   * @param hello what this end serves; the builder asks only for that
   */
  public AnsweringSession(BuildSession local, ExportReceiver outputs, Hello hello) {
    this.local = local;
    this.outputs = outputs;
    this.hello = hello;
  }

  /** Opens the session through {@code builder}; the builder may ask from then on. */
  public void open(SessionGrpc.SessionStub builder) {
    // gRPC reports "not ready" past 32 KiB in flight: with small files that is a wait for the
    // event loop every message or two. The builder's read credit bounds what is in flight anyway.
    builder
        .withOnReadyThreshold(ON_READY_THRESHOLD)
        .attach(
            new ClientResponseObserver<ClientMessage, BuilderMessage>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<ClientMessage> requests) {
                out = requests;
                requests.setOnReadyHandler(
                    () -> {
                      synchronized (sendLock) {
                        sendLock.notifyAll();
                      }
                    });
              }

              @Override
              public void onNext(BuilderMessage m) {
                received(m);
              }

              @Override
              public void onError(Throwable t) {
                ended(
                    Status.fromThrowable(t).getCode()
                        + ": "
                        + Status.fromThrowable(t).getDescription());
              }

              @Override
              public void onCompleted() {
                ended("the builder closed it");
              }
            });
    send(ClientMessage.newBuilder().setHello(hello).build());
  }

  public String id() {
    return hello.getSessionId();
  }

  /** Why the session ended, or null while it is open. */
  public String endReason() {
    return endReason;
  }

  private void ended(String reason) {
    endReason = reason;
    reads.values().forEach(ReadCredit::abandon);
    agents.closeAll();
    synchronized (sendLock) {
      sendLock.notifyAll();
    }
  }

  private void received(BuilderMessage m) {
    long id = m.getRequestId();
    switch (m.getBodyCase()) {
      case CREDIT -> {
        ReadCredit credit = reads.get(id);
        if (credit != null) {
          credit.grant(m.getCredit().getBytes());
        }
      }
      case SSH_DATA -> agents.toAgent(m.getSshData());
      case SSH_CLOSE -> agents.close(m.getSshClose().getChannel());
      case EXPORT -> outputs.receive(m.getExport());
      case PING ->
          send(
              ClientMessage.newBuilder()
                  .setPong(Pong.newBuilder().setNonce(m.getPing().getNonce()))
                  .build());
      case STAT -> workers.execute(() -> answer(id, () -> stat(id, m.getStat())));
      case READ -> {
        reads.put(id, new ReadCredit(m.getRead().getInitialCredit()));
        workers.execute(() -> answer(id, () -> read(id, m.getRead())));
      }
      case SECRET -> workers.execute(() -> answer(id, () -> secret(id, m.getSecret().getId())));
      case CREDENTIALS ->
          workers.execute(() -> answer(id, () -> credentials(id, m.getCredentials().getHost())));
      case SSH_OPEN -> {
        // Connected before the next message is handled: the builder's data for this channel
        // follows at once.
        SshChannelOpen open = m.getSshOpen();
        SocketChannel agent = agents.connect(open, local);
        if (agent != null) {
          workers.execute(() -> agents.pump(open.getChannel(), agent));
        }
      }
      default -> {
        // a newer builder's question this client does not know: say so rather than stay silent
        if (id != 0) {
          failed(
              id,
              RequestFailure.REQUEST_FAILURE_INVALID,
              "this client cannot answer " + m.getBodyCase());
        }
      }
    }
  }

  private interface Answer {
    void run() throws SessionException, IOException, InterruptedException;
  }

  /** Runs one answer; what goes wrong goes back to the builder as RequestFailed. */
  private void answer(long id, Answer answer) {
    try {
      answer.run();
    } catch (SessionException | IOException e) {
      failed(id, RequestFailure.REQUEST_FAILURE_NOT_FOUND, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failed(id, RequestFailure.REQUEST_FAILURE_INTERNAL, "the client failed: " + e);
    } finally {
      reads.remove(id);
    }
  }

  private void stat(long id, StatRequest r) throws SessionException {
    List<ContextFile> files =
        local
            .context(r.getContext())
            .stat(r.getIncludePatternsList(), r.getExcludePatternsList(), r.getFollowPathsList());
    StatResponse.Builder batch = StatResponse.newBuilder();
    for (ContextFile f : files) {
      batch.addEntries(
          FileStat.newBuilder()
              .setPath(f.path())
              .setMode(f.mode())
              .setSize(f.size())
              .setMtimeUnixNanos(f.mtimeNanos())
              .setUid(f.uid())
              .setGid(f.gid())
              .setLinkname(f.linkTarget())
              .setCtimeUnixNanos(f.ctimeNanos())
              .setInode(f.inode()));
      if (batch.getEntriesCount() == STAT_BATCH) {
        send(ClientMessage.newBuilder().setRequestId(id).setStat(batch).build());
        batch = StatResponse.newBuilder();
      }
    }
    send(ClientMessage.newBuilder().setRequestId(id).setStat(batch.setLast(true)).build());
  }

  /**
   * Streams the files asked for, within the credit the builder grants. A builder that takes packs
   * gets the chunks of small files many to a message, up to {@link #CHUNK} bytes: one message per
   * 20 KB file cost more than its bytes on both ends.
   */
  private void read(long id, ReadFilesRequest r)
      throws SessionException, IOException, InterruptedException {
    ContextFiles context = local.context(r.getContext());
    ReadCredit credit = reads.get(id);
    byte[] buffer = new byte[CHUNK];
    Pack pack = new Pack(id, r.getPacked());
    for (int i = 0; i < r.getPathsCount(); i++) {
      String path = r.getPaths(i);
      boolean lastFile = i == r.getPathsCount() - 1;
      try (InputStream in = context.open(path)) {
        long offset = 0;
        while (true) {
          int allowed = credit.tryTake(CHUNK);
          if (allowed == 0) {
            pack.flush(); // the builder grants more credit only for what it received
            allowed = credit.take(CHUNK, CREDIT_PATIENCE);
          }
          if (allowed == 0) {
            return; // the builder gave up this read (or its session ended)
          }
          int n = in.readNBytes(buffer, 0, allowed);
          // A short read is the end; a file that ends exactly at a chunk gets an empty last chunk.
          boolean eof = n < allowed;
          if (eof) {
            credit.giveBack(allowed - n); // the next file of the request may use it
          }
          pack.add(
              FileChunk.newBuilder()
                  .setPath(path)
                  .setOffset(offset)
                  .setData(ByteString.copyFrom(buffer, 0, n))
                  .setEof(eof)
                  .setDone(eof && lastFile)
                  .build());
          offset += n;
          if (eof) {
            break;
          }
        }
      }
    }
    pack.flush();
  }

  /** The chunks of one read not sent yet: each on its own, or gathered into FileChunks. */
  private final class Pack {
    private final long id;
    private final boolean packed;
    private final FileChunks.Builder chunks = FileChunks.newBuilder();
    private long bytes;

    Pack(long id, boolean packed) {
      this.id = id;
      this.packed = packed;
    }

    void add(FileChunk chunk) {
      if (!packed) {
        send(ClientMessage.newBuilder().setRequestId(id).setFile(chunk).build());
        return;
      }
      chunks.addChunks(chunk);
      bytes += chunk.getData().size();
      if (bytes >= CHUNK || chunks.getChunksCount() >= PACK_CHUNKS) {
        flush();
      }
    }

    void flush() {
      if (chunks.getChunksCount() > 0) {
        send(ClientMessage.newBuilder().setRequestId(id).setFiles(chunks).build());
        chunks.clear();
        bytes = 0;
      }
    }
  }

  private void secret(long id, String secretId) throws SessionException {
    Optional<byte[]> value = local.secret(secretId);
    if (value.isEmpty()) {
      failed(id, RequestFailure.REQUEST_FAILURE_NOT_FOUND, "no secret \"" + secretId + "\" here");
      return;
    }
    send(
        ClientMessage.newBuilder()
            .setRequestId(id)
            .setSecret(SecretResponse.newBuilder().setValue(ByteString.copyFrom(value.get())))
            .build());
  }

  private void credentials(long id, String host) throws SessionException {
    Optional<RegistryCredentials> c = local.registryCredentials(host);
    CredentialsResponse.Builder r = CredentialsResponse.newBuilder();
    c.ifPresent(
        creds ->
            r.setUsername(creds.username())
                .setSecret(creds.secret())
                .setIdentityToken(creds.identityToken()));
    send(ClientMessage.newBuilder().setRequestId(id).setCredentials(r).build());
  }

  private void failed(long id, RequestFailure code, String message) {
    send(
        ClientMessage.newBuilder()
            .setRequestId(id)
            .setFailed(RequestFailed.newBuilder().setCode(code).setMessage(message))
            .build());
  }

  /** Sends one message, waiting while the transport's buffer is full (back-pressure). */
  private void send(ClientMessage m) {
    synchronized (sendLock) {
      while (endReason == null && !out.isReady()) {
        try {
          sendLock.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (endReason == null) {
        out.onNext(m);
      }
    }
  }

  @Override
  public void close() {
    synchronized (sendLock) {
      if (endReason == null && out != null) {
        out.onCompleted();
      }
    }
    ended(endReason == null ? "closed" : endReason);
    workers.shutdownNow();
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
