package dev.slipway.session.serving;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.session.v1.ExportChunk;
import dev.slipway.session.BuildSession;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The outputs of a remote build that land on this machine: archives written to a file (via a temp
 * file renamed when complete), standard output, and directories (received as a tar and unpacked).
 */
public final class LocalOutputs implements ExportReceiver {

  private final SolveRequest request;
  private final BuildSession local;
  private final Map<Integer, Sink> sinks = new HashMap<>();
  private int expected;
  private int completed;
  private String failure;

  /**
   * @param request the build as the builder got it ({@link #forRemote})
   * @param local where standard output goes
   */
  public LocalOutputs(SolveRequest request, BuildSession local) {
    this.request = request;
    this.local = local;
    for (Output o : request.getOutputsList()) {
      if (sentToClient(o)) {
        expected++;
      }
    }
  }

  /** The request as the builder gets it: files and directories here become client paths. */
  public static SolveRequest forRemote(SolveRequest request) {
    SolveRequest.Builder r = request.toBuilder();
    for (int i = 0; i < r.getOutputsCount(); i++) {
      Output o = r.getOutputs(i);
      if (o.getType() != OutputType.OUTPUT_TYPE_IMAGE) {
        r.setOutputs(i, o.toBuilder().setDest(OutputDestination.forRemote(o.getDest())));
      }
    }
    return r.build();
  }

  private static boolean sentToClient(Output o) {
    return o.getType() != OutputType.OUTPUT_TYPE_IMAGE
        && OutputDestination.parse(o.getDest()).viaSession();
  }

  @Override
  public synchronized void receive(ExportChunk chunk) {
    if (chunk.getOutput() < 0 || chunk.getOutput() >= request.getOutputsCount()) {
      fail("the builder sent data for output " + chunk.getOutput() + ", which this build lacks");
      return;
    }
    Output output = request.getOutputs(chunk.getOutput());
    try {
      Sink sink = sinks.get(chunk.getOutput());
      if (sink == null) {
        sink = open(output);
        sinks.put(chunk.getOutput(), sink);
      }
      sink.write(chunk.getData());
      if (chunk.getEof()) {
        sink.finish();
        completed++;
        notifyAll();
      }
    } catch (IOException | SessionException e) {
      fail("writing output " + describe(output) + " failed: " + e.getMessage());
    }
  }

  private synchronized void fail(String message) {
    if (failure == null) {
      failure = message;
    }
    notifyAll();
  }

  /**
   * Waits until every output for this machine is complete: they come over the session, which may
   * lag the build's result on the Control stream.
   */
  public synchronized void awaitAll(Duration patience) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (completed < expected && failure == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException(
            "the build finished but "
                + (expected - completed)
                + " of its outputs did not arrive within "
                + patience.toSeconds()
                + " s");
      }
      wait(Math.max(1, left / 1_000_000));
    }
    if (failure != null) {
      throw new IOException(failure);
    }
  }

  /** Removes what incomplete outputs left behind. */
  public synchronized void abort() {
    sinks.values().forEach(Sink::abort);
  }

  private Sink open(Output o) throws IOException, SessionException {
    return switch (OutputDestination.parse(o.getDest())) {
      case OutputDestination.Stdout stdout -> new StreamSink(local.outputStream(stdout));
      case OutputDestination.ClientPath p ->
          o.getType() == OutputType.OUTPUT_TYPE_LOCAL
              ? new DirectorySink(Path.of(p.path()))
              : new FileSink(Path.of(p.path()));
      case OutputDestination.EnginePath p ->
          throw new IOException("the builder sent an output for \"" + p.path() + "\" on itself");
    };
  }

  private static String describe(Output o) {
    return "type="
        + o.getType().name().substring("OUTPUT_TYPE_".length()).toLowerCase()
        + ",dest="
        + o.getDest();
  }

  private interface Sink {
    void write(ByteString data) throws IOException;

    void finish() throws IOException;

    void abort();
  }

  private record StreamSink(OutputStream out) implements Sink {
    @Override
    public void write(ByteString data) throws IOException {
      data.writeTo(out);
    }

    @Override
    public void finish() throws IOException {
      out.close();
    }

    @Override
    public void abort() {
      try {
        out.flush();
      } catch (IOException ignored) {
        // nothing to clean up on a stream
      }
    }
  }

  /** An archive file, written beside its destination and renamed into place when complete. */
  private static class FileSink implements Sink {
    final Path dest;
    final Path temp;
    final OutputStream out;

    FileSink(Path dest) throws IOException {
      this.dest = dest;
      Path dir = dest.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      this.temp = Files.createTempFile(dir, "." + dest.getFileName(), ".part");
      // what a local build's output gets, not the owner-only mode of a temp file
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      this.out = Files.newOutputStream(temp);
    }

    @Override
    public void write(ByteString data) throws IOException {
      data.writeTo(out);
    }

    @Override
    public void finish() throws IOException {
      out.close();
      Files.move(temp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void abort() {
      try {
        out.close();
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a leftover .part file says what it is
      }
    }
  }

  /** A directory output: the tar the builder sends is unpacked into the destination. */
  private static final class DirectorySink extends FileSink {
    DirectorySink(Path dest) throws IOException {
      super(dest);
    }

    @Override
    public void finish() throws IOException {
      out.close();
      try {
        TarUnpacker.unpack(temp, dest);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
