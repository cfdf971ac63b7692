package dev.slipway.engine.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.fs.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The on-disk layout of a snapshotter's state directory. Names are deliberately tiny because
 * overlay lowerdir options list one path per layer within a one-page limit:
 *
 * <pre>
 *   s/ID        committed layer directory     s/ID.json  its metadata (present = committed)
 *   a/ID/       an active snapshot            v/ID/      a read-only view's mount point
 *   e/          an empty directory (bottom overlay layer)   tmp/  temporary files
 *   snapshotter.json   which snapshotter mode owns this directory
 * </pre>
 *
 * Everything under a/, v/ and tmp/ is disposable: recovery removes it after a crash.
 */
final class StateDirectory {

  static final String COMMITTED = "s";
  static final String ACTIVE = "a";
  static final String VIEWS = "v";
  static final String EMPTY = "e";
  static final String TEMP = "tmp";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What is stored in {@code s/ID.json}. */
  record SnapshotRecord(String key, String parent) {}

  /** What is stored in {@code snapshotter.json}. */
  record ModeRecord(SnapshotterMode mode) {}

  private final Path root;
  private FileChannel lockChannel;

  StateDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * Takes the directory for this process. Recovery deletes whatever another live process would be
   * using, so two engines must never share a state directory; the kernel drops the lock when its
   * holder dies, even by kill -9.
   */
  void lock() throws IOException {
    FileChannel channel =
        FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    java.nio.channels.FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new SnapshotException(
          "the snapshot state directory "
              + root
              + " is in use by another snapshotter or engine process; give each engine its own");
    }
    lockChannel = channel;
  }

  void unlock() throws IOException {
    if (lockChannel != null) {
      lockChannel.close();
      lockChannel = null;
    }
  }

  Path root() {
    return root;
  }

  Path committedRoot() {
    return root.resolve(COMMITTED);
  }

  Path committed(long id) {
    return committedRoot().resolve(Long.toString(id));
  }

  Path active(long id) {
    return root.resolve(ACTIVE).resolve(Long.toString(id));
  }

  Path view(long id) {
    return root.resolve(VIEWS).resolve(Long.toString(id));
  }

  Path temp() {
    return root.resolve(TEMP);
  }

  void createLayout() throws IOException {
    for (String dir : List.of(COMMITTED, ACTIVE, VIEWS, EMPTY, TEMP)) {
      Files.createDirectories(root.resolve(dir));
    }
    Files.setPosixFilePermissions(
        root.resolve(EMPTY), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Ids of committed snapshots, i.e. those whose metadata file exists. */
  List<Long> committedIds() throws IOException {
    List<Long> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(committedRoot())) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json") && isNumber(name.substring(0, name.length() - 5))) {
          ids.add(Long.parseLong(name.substring(0, name.length() - 5)));
        }
      }
    }
    return ids;
  }

  /** The highest id in use anywhere, so new ids never reuse a leftover directory name. */
  long highestId() throws IOException {
    long max = 0;
    for (String dir : List.of(COMMITTED, ACTIVE, VIEWS)) {
      try (Stream<Path> files = Files.list(root.resolve(dir))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String name = file.getFileName().toString().replace(".json", "");
          if (isNumber(name)) {
            max = Math.max(max, Long.parseLong(name));
          }
        }
      }
    }
    return max;
  }

  SnapshotRecord readRecord(long id) throws IOException {
    return JSON.readValue(committedRoot().resolve(id + ".json").toFile(), SnapshotRecord.class);
  }

  /** Marks {@code s/ID} committed, atomically: the record appears whole or not at all. */
  void writeRecord(long id, SnapshotRecord record) throws IOException {
    writeAtomically(committedRoot().resolve(id + ".json"), JSON.writeValueAsBytes(record));
  }

  /** When the record of {@code s/ID} was written, i.e. when the snapshot was committed. */
  java.time.Instant recordTime(long id) throws IOException {
    return Files.getLastModifiedTime(committedRoot().resolve(id + ".json")).toInstant();
  }

  void deleteRecord(long id) throws IOException {
    Files.deleteIfExists(committedRoot().resolve(id + ".json"));
    fsyncDirectory(committedRoot());
  }

  ModeRecord readMode() throws IOException {
    Path file = root.resolve("snapshotter.json");
    return Files.exists(file) ? JSON.readValue(file.toFile(), ModeRecord.class) : null;
  }

  void writeMode(SnapshotterMode mode) throws IOException {
    writeAtomically(root.resolve("snapshotter.json"), JSON.writeValueAsBytes(new ModeRecord(mode)));
  }

  /** Writes to a temp file, syncs it, renames it over {@code target} and syncs the directory. */
  private void writeAtomically(Path target, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(temp(), "record", ".json");
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(content));
      channel.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new SnapshotException(
          "the state directory " + root + " must be on one file system that supports rename", e);
    }
    fsyncDirectory(target.getParent());
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /**
   * Deletes a tree without following symlinks. Refuses when something is still mounted inside,
   * because deleting through a mount would destroy the mounted file system's contents.
   */
  static void deleteTree(Path tree) throws IOException {
    if (!Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> mounted = Mounts.mountPointsUnder(tree);
    if (!mounted.isEmpty()) {
      throw new SnapshotException(
          "refusing to delete "
              + tree
              + " while "
              + mounted
              + " is mounted there; unmount it first");
    }
    FileTrees.deleteRecursively(tree);
  }

  private static boolean isNumber(String name) {
    return !name.isEmpty() && name.length() < 19 && name.chars().allMatch(Character::isDigit);
  }
}
