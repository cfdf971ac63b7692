package dev.slipway.operator.output;

import dev.slipway.api.session.v1.ExportChunk;
import dev.slipway.operator.output.VolumeWriterPod.VolumeStream;
import dev.slipway.session.serving.ExportReceiver;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The outputs of one GitOps build that go to volumes, as the builder sends them over the operator's
 * session: each one is streamed into the writer pod by a thread of its own, so that the session's
 * thread, which also answers the builder's pings, waits only when an output's buffer is full (the
 * pod still starting, or slower than the builder). The build counts as succeeded only once every
 * output is written, and a refusal by the writer fails it.
 */
public final class VolumeOutputs implements ExportReceiver {

  /** Opens a target's stream (the writer pod, or a test's stand-in). */
  @FunctionalInterface
  public interface Writers {
    VolumeStream open(VolumeTarget target) throws IOException;
  }

  /** Chunks of up to 256 KiB (the builder's): at most 32 MiB waits per output. */
  private static final int BUFFERED_CHUNKS = 128;

  private static final Duration FINISH_PATIENCE = Duration.ofMinutes(5);
  private static final ExportChunk BROKEN_OFF = ExportChunk.getDefaultInstance();

  private final Map<Integer, VolumeTarget> targets = new HashMap<>();
  private final Writers writers;
  private final Map<Integer, BlockingQueue<ExportChunk>> queues = new HashMap<>();
  private final Set<Integer> ended = new HashSet<>();
  private int written;
  private String failure;

  public VolumeOutputs(List<VolumeTarget> targets, Writers writers) {
    targets.forEach(t -> this.targets.put(t.output(), t));
    this.writers = writers;
  }

  @Override
  public void receive(ExportChunk chunk) {
    BlockingQueue<ExportChunk> queue;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      VolumeTarget target = targets.get(chunk.getOutput());
      queue = queues.get(chunk.getOutput());
      if (target == null || ended.contains(chunk.getOutput())) {
        fail("the builder sent data for output " + chunk.getOutput() + ", which goes to no volume");
        return;
      }
      if (queue == null) {
        queue = new ArrayBlockingQueue<>(BUFFERED_CHUNKS);
        queues.put(target.output(), queue);
        BlockingQueue<ExportChunk> chunks = queue;
        Thread.ofVirtual()
            .name("volume-output-" + target.output())
            .start(() -> write(target, chunks));
      }
      if (chunk.getEof()) {
        // more data for it is an error, not a second output
        ended.add(target.output());
      }
    }
    try {
      queue.put(chunk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while writing output " + chunk.getOutput());
    }
  }

  private void write(VolumeTarget target, BlockingQueue<ExportChunk> chunks) {
    VolumeStream stream = null;
    try {
      stream = writers.open(target);
      for (ExportChunk chunk = chunks.take(); chunk != BROKEN_OFF; chunk = chunks.take()) {
        if (failed()) {
          break;
        }
        chunk.getData().writeTo(stream.data());
        if (chunk.getEof()) {
          stream.finish(FINISH_PATIENCE);
          stream = null;
          written();
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      fail("writing " + target.describe() + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      fail("writing " + target.describe() + " was interrupted");
    } finally {
      if (stream != null) {
        stream.abort();
      }
      // the session's thread may wait to put more: let it go on (failed, it drops the rest)
      chunks.clear();
    }
  }

  private synchronized boolean failed() {
    return failure != null;
  }

  private synchronized void written() {
    written++;
  }

  private synchronized void fail(String message) {
    if (failure == null) {
      failure = message;
    }
    abort();
  }

  /** Why writing failed, if it did. */
  public synchronized Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Whether every output is written. */
  public synchronized boolean complete() {
    return written == targets.size();
  }

  /** Breaks off the outputs still being written; the writer keeps none of them. */
  public synchronized void abort() {
    queues.forEach(
        (output, queue) -> {
          if (!ended.contains(output)) {
            queue.clear();
            queue.offer(BROKEN_OFF);
          }
        });
  }
}
