package dev.slipway.builder.volume;

import dev.slipway.confined.ConfinedRoot;
import dev.slipway.session.serving.OutputFrames;
import dev.slipway.session.serving.TarUnpacker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The program of a GitOps build's output writer pod (the builder image, run by the operator): it
 * reads one output from standard input, framed by {@link OutputFrames}, and writes it beneath the
 * mounted claim. The path comes from a BuildRequest and is hostile: it goes through a {@link
 * ConfinedRoot} that refuses {@code ..} and every symlink on the way (an earlier build, or anyone
 * else who writes to the claim, may have left one), and an archive lands only complete, by rename.
 *
 * <p>Usage: {@code VolumeWriter file|directory VOLUME PATH}, exit status 0 when written; the reason
 * for a refusal goes to standard error, which the operator puts into the request's status.
 */
public final class VolumeWriter {

  /** How the output arrives: an archive file, or a tar unpacked into a directory. */
  public enum Kind {
    FILE,
    DIRECTORY
  }

  private VolumeWriter() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: VolumeWriter file|directory VOLUME PATH");
      System.exit(2);
    }
    InputStream output = OutputFrames.reader(System.in);
    try {
      Kind kind = Kind.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
      writeFrames(kind, Path.of(args[1]), args[2], output);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("writing " + args[2] + " into the volume failed: " + e.getMessage());
      // Read the rest up to the end frame, as a success does: the exec then ends the same way
      // for the operator, whose writes would otherwise go to a process that is gone.
      try {
        output.transferTo(OutputStream.nullOutputStream());
      } catch (IOException cutOff) {
        // the reason above is what counts
      }
      System.exit(1);
    }
    System.exit(0);
  }

  /** Writes the framed output read from {@code in} to {@code path} beneath {@code volume}. */
  public static void write(Kind kind, Path volume, String path, InputStream in) throws IOException {
    writeFrames(kind, volume, path, OutputFrames.reader(in));
  }

  private static void writeFrames(Kind kind, Path volume, String path, InputStream output)
      throws IOException {
    if (path.isEmpty() || path.startsWith("/")) {
      throw new IOException(
          "\""
              + path
              + "\" is not a path inside the volume: give a relative path, e.g. out/app.tar");
    }
    ConfinedRoot root = ConfinedRoot.refusingLinks(volume, "the volume");
    switch (kind) {
      case FILE -> root.writeFile(path, output::transferTo);
      case DIRECTORY -> {
        TarUnpacker.unpack(output, root.createDirectory(path));
        // what followed the tar's end blocks, up to the end frame: a cut-off stream still fails
        output.transferTo(OutputStream.nullOutputStream());
      }
    }
  }
}
