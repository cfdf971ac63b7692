package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a {@link LayerDiff} as an uncompressed layer tar. The same diff gives the same bytes: the
 * entries come in the diff's order, headers carry only numeric ids (empty user and group names), no
 * access or change times, and mtimes with nanoseconds (in PAX records when not whole seconds). A
 * second name of an inode already written becomes a tar hardlink to the first name.
 *
 * <p>With a {@code SOURCE_DATE_EPOCH}, mtimes later than it are clamped to it, as BuildKit's {@code
 * rewrite-timestamp} does, so rebuilding the same inputs later gives the same layer.
 */
public final class LayerTarWriter {

  private final Optional<Instant> sourceDateEpoch;

  public LayerTarWriter(Optional<Instant> sourceDateEpoch) {
    this.sourceDateEpoch = sourceDateEpoch;
  }

  /** Writes the whole tar, including the end-of-archive blocks; does not close {@code out}. */
  public void write(LayerDiff diff, OutputStream out) throws IOException {
    TarOutput tar = new TarOutput(out);
    Map<String, String> firstNameOfInode = new HashMap<>();
    for (LayerEntry entry : diff.entries()) {
      switch (entry) {
        case LayerEntry.Whiteout w -> tar.write(marker(whiteoutName(w.path())), null);
        case LayerEntry.Opaque o -> tar.write(marker(o.path() + "/.wh..wh..opq"), null);
        case LayerEntry.Put put -> writePut(tar, put, firstNameOfInode);
      }
    }
    tar.finish();
  }

  private void writePut(TarOutput tar, LayerEntry.Put put, Map<String, String> firstNameOfInode)
      throws IOException {
    FileMeta meta = put.meta();
    if (meta.kind() != FileKind.DIRECTORY && meta.linkCount() > 1) {
      String inode = meta.device() + ":" + meta.inode();
      String first = firstNameOfInode.putIfAbsent(inode, put.path());
      if (first != null) {
        tar.write(header(put, TarHeader.HARDLINK, 0, first), null);
        return;
      }
    }
    switch (meta.kind()) {
      case REGULAR -> {
        try (InputStream content = Files.newInputStream(put.source())) {
          tar.write(header(put, TarHeader.REGULAR, meta.size(), ""), content);
        }
      }
      case DIRECTORY -> tar.write(header(put, TarHeader.DIRECTORY, 0, ""), null);
      case SYMLINK -> tar.write(header(put, TarHeader.SYMLINK, 0, meta.linkTarget()), null);
      case CHAR_DEVICE -> tar.write(header(put, TarHeader.CHAR_DEVICE, 0, ""), null);
      case BLOCK_DEVICE -> tar.write(header(put, TarHeader.BLOCK_DEVICE, 0, ""), null);
      case FIFO -> tar.write(header(put, TarHeader.FIFO, 0, ""), null);
      case SOCKET -> {
        // Sockets cannot be archived; the differs already leave them out.
      }
    }
  }

  private TarHeader header(LayerEntry.Put put, char type, long size, String linkName) {
    FileMeta meta = put.meta();
    boolean device = type == TarHeader.CHAR_DEVICE || type == TarHeader.BLOCK_DEVICE;
    return new TarHeader(
        type == TarHeader.DIRECTORY ? put.path() + "/" : put.path(),
        type,
        meta.permissions(),
        Integer.toUnsignedLong(meta.uid()),
        Integer.toUnsignedLong(meta.gid()),
        size,
        clamp(meta.mtime()),
        linkName,
        device ? meta.deviceMajor() : 0,
        device ? meta.deviceMinor() : 0,
        type == TarHeader.HARDLINK ? Xattrs.NONE : put.xattrs());
  }

  /** Whiteouts are empty regular files with fixed metadata, so they never vary between builds. */
  private static TarHeader marker(String name) {
    return new TarHeader(name, TarHeader.REGULAR, 0, 0, 0, 0, Instant.EPOCH, "", 0, 0, Xattrs.NONE);
  }

  private static String whiteoutName(String path) {
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
  }

  private Instant clamp(Instant mtime) {
    return sourceDateEpoch.filter(epoch -> mtime.isAfter(epoch)).orElse(mtime);
  }
}
