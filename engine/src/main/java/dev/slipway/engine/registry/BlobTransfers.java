package dev.slipway.engine.registry;

import dev.slipway.engine.content.Descriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Moves an image's blobs a few at a time; the first failure is the one reported. */
final class BlobTransfers {

  /** One blob's transfer. */
  @FunctionalInterface
  interface Transfer {
    void run(Descriptor blob) throws IOException;
  }

  private BlobTransfers() {}

  /** Runs {@code transfer} for every blob, at most {@code parallelism} at once. */
  static void inParallel(
      Collection<Descriptor> blobs, int parallelism, String what, Transfer transfer)
      throws IOException {
    try (ExecutorService pool =
        Executors.newFixedThreadPool(parallelism, Thread.ofVirtual().factory())) {
      List<Future<Void>> running = new ArrayList<>();
      for (Descriptor blob : blobs) {
        running.add(
            pool.submit(
                () -> {
                  transfer.run(blob);
                  return null;
                }));
      }
      for (Future<Void> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
