package dev.slipway.engine.content;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Leaves the caller's stream open when a compressor wrapped around it closes. */
public final class NonClosingOutputStream extends FilterOutputStream {
  public NonClosingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
