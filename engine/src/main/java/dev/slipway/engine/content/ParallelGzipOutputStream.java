package dev.slipway.engine.content;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip written the way pigz writes it: the input is cut into blocks that are deflated concurrently,
 * each primed with the previous block's last 32 KiB as dictionary (so the ratio stays close to
 * single-threaded gzip) and ended with a sync flush (so the raw deflate streams concatenate into
 * one valid stream). A single gzip header and CRC/size trailer wrap the result. The output only
 * depends on the input, the level and the block size, never on thread timing.
 *
 * <p>Blocks run on virtual threads; at most {@code parallelism} blocks are in flight, which bounds
 * memory to about {@code 2 × parallelism × blockSize}.
 */
final class ParallelGzipOutputStream extends OutputStream {
  private static final int DICTIONARY_SIZE = 32 * 1024;
  // gzip header: magic, deflate, no flags, mtime 0, no extra flags, OS "unknown" (as Go writes)
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final OutputStream out;
  private final int level;
  private final int parallelism;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private byte[] block;
  private int fill;
  private byte[] dictionary = new byte[0];
  private long totalIn;
  private boolean headerWritten;
  private boolean closed;

  ParallelGzipOutputStream(OutputStream out, int level, int blockSize, int parallelism) {
    this.out = out;
    this.level = level;
    this.parallelism = parallelism;
    this.block = new byte[blockSize];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("parallel gzip stream is closed");
    }
    crc.update(b, off, len);
    totalIn += len;
    while (len > 0) {
      int n = Math.min(len, block.length - fill);
      System.arraycopy(b, off, block, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == block.length) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] input = block;
    int length = fill;
    byte[] dict = dictionary;
    if (!last) {
      dictionary = Arrays.copyOfRange(input, length - DICTIONARY_SIZE, length);
      block = new byte[block.length];
      fill = 0;
    }
    inFlight.add(executor.submit(() -> deflate(input, length, dict, last)));
    while (inFlight.size() > parallelism || (last && !inFlight.isEmpty())) {
      writeHead();
    }
  }

  private byte[] deflate(byte[] input, int length, byte[] dict, boolean last) {
    Deflater deflater = new Deflater(level, true);
    try {
      if (dict.length > 0) {
        deflater.setDictionary(dict);
      }
      deflater.setInput(input, 0, length);
      byte[] buf = new byte[length + length / 8 + 1024];
      int size = 0;
      if (last) {
        deflater.finish();
        while (!deflater.finished()) {
          if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
          }
          size += deflater.deflate(buf, size, buf.length - size);
        }
      } else {
        // SYNC_FLUSH is complete once the deflater leaves output space unused
        int n;
        do {
          if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
          }
          n = deflater.deflate(buf, size, buf.length - size, Deflater.SYNC_FLUSH);
          size += n;
        } while (size == buf.length);
      }
      return Arrays.copyOf(buf, size);
    } finally {
      deflater.end();
    }
  }

  private void writeHead() throws IOException {
    Future<byte[]> head = inFlight.removeFirst();
    byte[] compressed;
    try {
      compressed = head.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing a layer");
    } catch (ExecutionException e) {
      throw new IOException("compressing a layer block failed", e.getCause());
    }
    if (!headerWritten) {
      out.write(HEADER);
      headerWritten = true;
    }
    out.write(compressed);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      submit(true);
      long crcValue = crc.getValue();
      byte[] trailer = new byte[8];
      for (int i = 0; i < 4; i++) {
        trailer[i] = (byte) (crcValue >>> (8 * i));
        trailer[4 + i] = (byte) (totalIn >>> (8 * i));
      }
      out.write(trailer);
      out.flush();
    } finally {
      closed = true;
      inFlight.forEach(f -> f.cancel(true));
      executor.shutdownNow();
    }
  }
}
