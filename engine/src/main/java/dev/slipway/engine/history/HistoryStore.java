package dev.slipway.engine.history;

import com.google.protobuf.StringValue;
import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finished builds on disk, as {@code buildx history} keeps them: per build {@code ID.record} (the
 * {@link HistoryRecord} and its owner) and {@code ID.events} (its kept events, delimited). Files
 * are written beside and moved into place, the record last, so a reader sees a whole build or none,
 * also from another process on the same directory. The newest {@link HistoryLimits#maxRecords()}
 * within {@link HistoryLimits#maxTotalBytes()} are kept; a record that cannot be read is skipped
 * with a warning. Ids come from clients: one that is not {@link HistoryIds#valid} names nothing.
 */
public final class HistoryStore {
  private static final System.Logger LOG = System.getLogger(HistoryStore.class.getName());

  /** Where an engine's state directory keeps its history. */
  public static final String DIRECTORY = "history";

  private static final String RECORD = ".record";
  private static final String EVENTS = ".events";
  private static final String TEMP = ".tmp-";

  /** A temporary file this old was left by a process that died while recording. */
  private static final Duration STALE = Duration.ofDays(1);

  private final Path dir;
  private final HistoryLimits limits;

  private HistoryStore(Path dir, HistoryLimits limits) {
    this.dir = dir;
    this.limits = limits;
  }

  /** Opens (creating, owner-only) the store in {@code dir} and sweeps stale temporary files. */
  public static HistoryStore open(Path dir, HistoryLimits limits) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException raced) {
        // another process made it
      }
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory; the build history needs one there");
    }
    HistoryStore store = new HistoryStore(dir, limits);
    store.sweep();
    return store;
  }

  /**
   * A recorder for the build {@code request} starts, owned by {@code owner} and named {@code name}
   * (see {@link BuildNames}). Feed it every event, then {@link HistoryRecorder#finish}.
   */
  public HistoryRecorder recorder(SolveRequest request, String owner, String name) {
    return new HistoryRecorder(this, request, owner, name, limits.maxLogBytesPerBuild());
  }

  Path newTemporaryFile() throws IOException {
    return Files.createFile(
        dir.resolve(TEMP + UUID.randomUUID()),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  /**
   * Moves the events into place, writes the record beside and moves it, then applies retention. A
   * record another owner keeps under the same id stays: a client chooses its build ids, so a reused
   * one must not replace someone else's build.
   */
  synchronized StoredRecord commit(HistoryRecord record, String owner, Path events)
      throws IOException {
    String id = record.getBuildId();
    Optional<StoredRecord> kept = read(id);
    if (kept.isPresent() && !kept.get().owner().equals(owner)) {
      throw new IOException("another owner's build " + id + " is kept under that id");
    }
    Files.move(
        events,
        dir.resolve(id + EVENTS),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    HistoryRecord done =
        record.toBuilder().setLogBytes(Files.size(dir.resolve(id + EVENTS))).build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    done.writeDelimitedTo(bytes);
    StringValue.of(owner).writeDelimitedTo(bytes);
    Path temp = newTemporaryFile();
    try {
      Files.write(temp, bytes.toByteArray());
      Files.move(
          temp,
          dir.resolve(id + RECORD),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    retain();
    return new StoredRecord(done, owner);
  }

  /** Every readable record, newest first, with their steps. */
  public List<StoredRecord> list() {
    List<StoredRecord> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String file = f.getFileName().toString();
        if (file.endsWith(RECORD)) {
          String id = file.substring(0, file.length() - RECORD.length());
          if (HistoryIds.valid(id)) {
            read(id).ifPresent(records::add);
          }
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot list the build history in {0}: {1}", dir, e);
    }
    records.sort(NEWEST_FIRST);
    return records;
  }

  private static final Comparator<StoredRecord> NEWEST_FIRST =
      Comparator.<StoredRecord>comparingLong(r -> r.record().getCompleted().getSeconds())
          .thenComparingInt(r -> r.record().getCompleted().getNanos())
          .reversed()
          .thenComparing(StoredRecord::buildId);

  /** The record of build {@code id}, if it is kept and readable. */
  public Optional<StoredRecord> read(String id) {
    if (!HistoryIds.valid(id)) {
      return Optional.empty();
    }
    Path file = dir.resolve(id + RECORD);
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
      HistoryRecord record = HistoryRecord.parseDelimitedFrom(in);
      StringValue owner = StringValue.parseDelimitedFrom(in);
      if (record == null || owner == null || !record.getBuildId().equals(id)) {
        throw new IOException("the record is truncated or names another build");
      }
      return Optional.of(new StoredRecord(record, owner.getValue()));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "skipping the unreadable history record {0}: {1}",
          file,
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Sends the kept events of build {@code id} to {@code events} in order; a damaged tail ends the
   * replay early. Returns false if no log is kept for it.
   */
  public boolean replay(String id, Consumer<SolveEvent> events) throws IOException {
    Optional<EventLog> log = events(id);
    if (log.isEmpty()) {
      return false;
    }
    try (EventLog l = log.get()) {
      for (Optional<SolveEvent> e = l.next(); e.isPresent(); e = l.next()) {
        events.accept(e.get());
      }
    }
    return true;
  }

  /**
   * The kept events of build {@code id}, read one at a time (so a slow reader holds one event, not
   * the log), if a log is kept for it. Close it.
   */
  public Optional<EventLog> events(String id) throws IOException {
    if (!HistoryIds.valid(id)) {
      return Optional.empty();
    }
    Path file = dir.resolve(id + EVENTS);
    try {
      return Optional.of(
          new EventLog(
              file,
              new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    }
  }

  /** One build's kept events in order; a damaged tail reads as the end. */
  public static final class EventLog implements AutoCloseable {
    private final Path file;
    private final InputStream in;

    private EventLog(Path file, InputStream in) {
      this.file = file;
      this.in = in;
    }

    /** The next event, or empty at the end (or at damage, which is logged). */
    public Optional<SolveEvent> next() throws IOException {
      try {
        return Optional.ofNullable(SolveEvent.parseDelimitedFrom(in));
      } catch (IOException damaged) {
        LOG.log(
            System.Logger.Level.WARNING,
            "the event log {0} is damaged; replayed what precedes the damage",
            file);
        return Optional.empty();
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Removes the record and log of build {@code id}; returns whether a record was kept for it. */
  public boolean remove(String id) throws IOException {
    if (!HistoryIds.valid(id)) {
      return false;
    }
    boolean had = Files.deleteIfExists(dir.resolve(id + RECORD));
    Files.deleteIfExists(dir.resolve(id + EVENTS));
    return had;
  }

  /** Removes the oldest builds beyond the count and size caps; the newest always stays. */
  private void retain() throws IOException {
    long bytes = 0;
    int kept = 0;
    for (StoredRecord r : list()) {
      long size = size(r.buildId() + RECORD) + size(r.buildId() + EVENTS);
      if (kept > 0 && (kept >= limits.maxRecords() || bytes + size > limits.maxTotalBytes())) {
        remove(r.buildId());
        continue;
      }
      kept++;
      bytes += size;
    }
  }

  private long size(String file) {
    try {
      return Files.size(dir.resolve(file));
    } catch (IOException gone) {
      return 0;
    }
  }

  private void sweep() {
    Instant before = Instant.now().minus(STALE);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().startsWith(TEMP)
            && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)
                    .compareTo(FileTime.from(before))
                < 0) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot sweep old temporary files in {0}: {1}", dir, e);
    }
  }
}
