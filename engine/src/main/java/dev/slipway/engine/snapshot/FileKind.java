package dev.slipway.engine.snapshot;

/** The type of a file system entry, as encoded in the S_IFMT bits of {@code st_mode}. */
public enum FileKind {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  FIFO,
  SOCKET;

  static FileKind ofMode(int mode) {
    return switch (mode & 0170000) {
      case 0100000 -> REGULAR;
      case 0040000 -> DIRECTORY;
      case 0120000 -> SYMLINK;
      case 0020000 -> CHAR_DEVICE;
      case 0060000 -> BLOCK_DEVICE;
      case 0010000 -> FIFO;
      case 0140000 -> SOCKET;
      default -> throw new IllegalArgumentException("unknown file type in mode " + mode);
    };
  }
}
