package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.Xattrs;
import java.time.Instant;

/**
 * One tar entry's header, as this package reads and writes it.
 *
 * @param name the entry name (directories end with '/')
 * @param type the ustar type flag: '0' file, '1' hardlink, '2' symlink, '3' char device, '4' block
 *     device, '5' directory, '6' fifo
 * @param mode permission bits including setuid/setgid/sticky
 */
record TarHeader(
    String name,
    char type,
    int mode,
    long uid,
    long gid,
    long size,
    Instant mtime,
    String linkName,
    int deviceMajor,
    int deviceMinor,
    Xattrs xattrs) {

  static final char REGULAR = '0';
  static final char HARDLINK = '1';
  static final char SYMLINK = '2';
  static final char CHAR_DEVICE = '3';
  static final char BLOCK_DEVICE = '4';
  static final char DIRECTORY = '5';
  static final char FIFO = '6';
}
