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

/**
 * The outputs of one GitOps build that go to volumes, as the builder sends them over the operator's
 * session: each one is streamed into the writer pod as it arrives. The build counts as succeeded
 * only once every one is written, and a refusal by the writer fails it.
 */
public final class VolumeOutputs implements ExportReceiver {

  /** Opens a target's stream (the writer pod, or a test's stand-in). */
  @FunctionalInterface
  public interface Writers {
    VolumeStream open(VolumeTarget target) throws IOException;
  }

  private static final Duration FINISH_PATIENCE = Duration.ofMinutes(5);

  private final Map<Integer, VolumeTarget> targets = new HashMap<>();
  private final Writers writers;
  private final Map<Integer, VolumeStream> streams = new HashMap<>();
  private final Set<Integer> written = new HashSet<>();
  private String failure;

  public VolumeOutputs(List<VolumeTarget> targets, Writers writers) {
    targets.forEach(t -> this.targets.put(t.output(), t));
    this.writers = writers;
  }

  @Override
  public synchronized void receive(ExportChunk chunk) {
    if (failure != null) {
      return;
    }
    VolumeTarget target = targets.get(chunk.getOutput());
    if (target == null || written.contains(chunk.getOutput())) {
      fail("the builder sent data for output " + chunk.getOutput() + ", which goes to no volume");
      return;
    }
    try {
      VolumeStream stream = streams.get(target.output());
      if (stream == null) {
        stream = writers.open(target);
        streams.put(target.output(), stream);
      }
      chunk.getData().writeTo(stream.data());
      if (chunk.getEof()) {
        streams.remove(target.output());
        stream.finish(FINISH_PATIENCE);
        written.add(target.output());
      }
    } catch (IOException | RuntimeException e) {
      fail("writing " + target.describe() + " failed: " + e.getMessage());
    }
  }

  private void fail(String message) {
    failure = message;
    abort();
  }

  /** Why writing failed, if it did. */
  public synchronized Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Whether every output is written. */
  public synchronized boolean complete() {
    return written.size() == targets.size();
  }

  /** Breaks off the outputs still being written; the writer keeps none of them. */
  public synchronized void abort() {
    streams.values().forEach(VolumeStream::abort);
    streams.clear();
  }
}
