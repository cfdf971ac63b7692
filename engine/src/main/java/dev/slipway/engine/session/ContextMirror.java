package dev.slipway.engine.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.confined.ConfinedPathException;
import dev.slipway.confined.ConfinedRoot;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.ContextKey;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's incremental copy of one client context. A sync lists what a step selects, then
 * fetches only the files whose size, modification time or mode differ from the copy — the second
 * build after editing one file transfers that one file. Each copied file's sha256 is kept, so the
 * content checksum that keys the cache costs no re-reading either.
 */
public final class ContextMirror {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the mirror knows of one file: the client's metadata it was copied with (the change time
   * and inode catch a rewrite whose size and mtime were set back) and its contents' sha256.
   */
  record Entry(
      long size,
      long mtimeNanos,
      long ctimeNanos,
      long inode,
      int mode,
      int uid,
      int gid,
      String link,
      String sha256) {}

  /**
   * The outcome of one sync.
   *
   * @param entries the selected entries, sorted by path
   * @param checksum sha256 over the selection: paths, types, modes, owners, link targets, contents
   *     (not times)
   * @param bytesTransferred file bytes fetched from the client by this sync
   */
  public record Sync(
      List<ContextFile> entries, String checksum, long bytesTransferred, int filesTransferred) {}

  /** Reports bytes as they arrive: (bytes so far, bytes expected). */
  public interface TransferListener {
    void transferred(long current, long total);
  }

  private final Path dir;
  private final ConfinedRoot files;
  private final Path indexFile;
  private final Path key;
  private final Loaded loaded;
  private final Map<String, Entry> index;

  private ContextMirror(Path dir, Path key, Loaded loaded) {
    this.dir = dir;
    this.files = ConfinedRoot.refusingLinks(filesOf(dir), "the context mirror");
    this.indexFile = dir.resolve("index.json");
    this.key = key;
    this.loaded = loaded;
    this.index = loaded.index;
  }

  /** A parsed index and the stamp of the index file it matches (syncs change both under lock). */
  private static final class Loaded {
    final Map<String, Entry> index;
    volatile Object stamp;

    Loaded(Map<String, Entry> index) {
      this.index = index;
    }
  }

  private static final int LOADED_MIRRORS = 16;

  private static final Map<Path, Loaded> LOADED =
      new LinkedHashMap<>(LOADED_MIRRORS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Loaded> eldest) {
          return size() > LOADED_MIRRORS;
        }
      };

  private static final AtomicLong INDEX_LOADS = new AtomicLong();

  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  /** The lock that serializes syncs of one mirror within this process. */
  public static Object lockFor(Path dir) {
    return LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new Object());
  }

  private static final Map<Path, AtomicLong> GENERATIONS = new ConcurrentHashMap<>();

  /**
   * How many syncs changed the mirror in {@code dir} within this process. Read under {@link
   * #lockFor}: while it stays the same, a {@link Sync} taken earlier still describes the copy.
   */
  public static long generation(Path dir) {
    return generationOf(dir).get();
  }

  private static AtomicLong generationOf(Path dir) {
    return GENERATIONS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new AtomicLong());
  }

  /**
   * The directory of the mirror of one context of one owner under {@code mirrors}. The identity is
   * the client's to choose, so keyed by it alone one caller could sync into (and snapshot from)
   * another's copy; with the owner (the authenticated caller) in the key it cannot. A {@link
   * ContextKey} is unguessable by anyone but the client's machine, so it alone names the copy and
   * every build from that machine (each BuildRequest a different caller) reuses it.
   */
  public static Path dirFor(Path mirrors, String owner, String identity) {
    MessageDigest key = sha256();
    String scope = ContextKey.isKey(identity) ? "" : owner;
    key.update((scope + "\0" + identity).getBytes(StandardCharsets.UTF_8));
    return mirrors.resolve(HexFormat.of().formatHex(key.digest()));
  }

  /**
   * Opens the mirror in {@code dir}. Its parsed index is kept in memory (for the last {@link
   * #LOADED_MIRRORS} mirrors used) while {@code index.json} keeps the stamp it was loaded or saved
   * with, so consecutive syncs of one context parse 20,000 entries once, not each time; a file
   * replaced or removed behind this process's back is read again.
   */
  public static ContextMirror open(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("files"));
    Path key = dir.toAbsolutePath().normalize();
    Path indexFile = dir.resolve("index.json");
    Object stamp = stamp(indexFile);
    Loaded loaded;
    synchronized (LOADED) {
      loaded = LOADED.get(key);
    }
    if (loaded != null && stamp != null && stamp.equals(loaded.stamp)) {
      return new ContextMirror(dir, key, loaded);
    }
    Map<String, Entry> index = new ConcurrentHashMap<>();
    if (stamp != null) {
      INDEX_LOADS.incrementAndGet();
      try {
        index.putAll(
            JSON.readValue(indexFile.toFile(), new TypeReference<Map<String, Entry>>() {}));
      } catch (IOException e) {
        index.clear(); // a lost index only costs a full transfer
      }
    }
    loaded = new Loaded(index);
    loaded.stamp = stamp;
    synchronized (LOADED) {
      LOADED.put(key, loaded);
    }
    return new ContextMirror(dir, key, loaded);
  }

  /** How many times this process parsed an {@code index.json}, for tests. */
  static long indexLoads() {
    return INDEX_LOADS.get();
  }

  /** What identifies one version of the index file (null: there is none). */
  private static Object stamp(Path indexFile) throws IOException {
    try {
      BasicFileAttributes a =
          Files.readAttributes(indexFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  public Path root() {
    return files.root();
  }

  /** Where the copy's files are in the mirror {@code dir}. */
  public static Path filesOf(Path dir) {
    return dir.resolve("files");
  }

  public Sync sync(
      ContextFiles client,
      List<String> includes,
      List<String> excludes,
      List<String> followPaths,
      TransferListener listener)
      throws SessionException, IOException {
    try {
      return syncIndexed(client, includes, excludes, followPaths, listener);
    } catch (IOException | SessionException | RuntimeException | Error e) {
      // The index in memory may be ahead of the copy's modes and times: the next open reads the
      // file, which a failed sync never saved.
      forget();
      throw e;
    }
  }

  private void forget() {
    synchronized (LOADED) {
      LOADED.remove(key, loaded);
    }
  }

  private Sync syncIndexed(
      ContextFiles client,
      List<String> includes,
      List<String> excludes,
      List<String> followPaths,
      TransferListener listener)
      throws SessionException, IOException {
    List<ContextFile> selected = client.stat(includes, excludes, followPaths);
    ContextListing.check(selected);
    List<ContextFile> stale = new ArrayList<>();
    Map<String, Boolean> parents = new HashMap<>();
    for (ContextFile f : selected) {
      if (!upToDate(f, parents)) {
        stale.add(f);
      }
    }
    if (!stale.isEmpty()) {
      generationOf(dir).incrementAndGet();
    }
    // The tree first (parents sort before children), then all contents in one exchange, then
    // the second names of hard-linked files, then modes and times.
    List<String> toRead = new ArrayList<>();
    Map<String, ContextFile> contents = new HashMap<>();
    for (ContextFile f : stale) {
      if (f.isRegularFile() && !f.isHardLink()) {
        toRead.add(f.path());
        contents.put(f.path(), f);
      } else if (!f.isHardLink()) {
        place(f);
      }
    }
    long total = contents.values().stream().mapToLong(ContextFile::size).sum();
    long[] transferred = {0};
    client.readAll(
        toRead,
        (path, in) -> {
          ContextFile f = contents.remove(path);
          if (f == null) {
            throw new IOException(
                "the client sent \"" + path + "\", which was not asked for or sent twice");
          }
          index.put(path, entry(f, write(path, f.size(), in)));
          transferred[0] += f.size();
          listener.transferred(transferred[0], total);
        });
    if (!contents.isEmpty()) {
      throw new SessionException(
          "the client did not send " + contents.keySet().iterator().next() + " of its context");
    }
    for (ContextFile f : stale) {
      if (f.isHardLink()) {
        refused(() -> files.createHardLink(f.path(), f.linkTarget()));
        Entry target = index.get(f.linkTarget());
        index.put(f.path(), entry(f, target == null ? null : target.sha256()));
      }
    }
    for (ContextFile f : stale.reversed()) {
      // A hard link shares its target's inode, which snapshots may share too: set through the
      // target's name when that was written, never changed afterwards.
      if (!f.isSymlink() && !f.isHardLink()) {
        Path local = files.entry(f.path());
        // The copy keeps no setuid/setgid bit on the builder's disk: the listing's mode (in the
        // index) is what snapshots get.
        files.setMode(local, f.mode() & 01777);
        FileTime mtime = FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS);
        files.setTimes(local, mtime, null);
      }
    }
    MessageDigest selection = sha256();
    for (ContextFile f : selected) {
      String sha = index.get(f.path()).sha256();
      selection.update(
          (f.path()
                  + "\0"
                  + f.mode()
                  + "\0"
                  + f.uid()
                  + "\0"
                  + f.gid()
                  + "\0"
                  + f.linkTarget()
                  + "\0"
                  + (sha == null ? "" : sha)
                  + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    if (!stale.isEmpty()) {
      saveIndex();
    }
    return new Sync(
        selected,
        "sha256:" + HexFormat.of().formatHex(selection.digest()),
        transferred[0],
        toRead.size());
  }

  /**
   * True when the copy holds {@code f} as listed. {@code parents} remembers, for this sync, which
   * parent directories were checked (through the confined walk) to be directories reached through
   * no link, so each file costs one lstat of its own.
   */
  private boolean upToDate(ContextFile f, Map<String, Boolean> parents) throws IOException {
    Entry e = index.get(f.path());
    if (e == null
        || e.size() != f.size()
        || e.mtimeNanos() != f.mtimeNanos()
        || e.ctimeNanos() != f.ctimeNanos()
        || e.inode() != f.inode()
        || e.mode() != f.mode()
        || e.uid() != f.uid()
        || e.gid() != f.gid()
        || !e.link().equals(f.linkTarget())) {
      return false;
    }
    int slash = f.path().lastIndexOf('/');
    if (slash > 0) {
      String parent = f.path().substring(0, slash);
      Boolean isDirectory = parents.get(parent);
      if (isDirectory == null) {
        try {
          isDirectory = files.isDirectory(parent);
        } catch (ConfinedPathException e2) {
          isDirectory = false; // a parent became a link since: placed again, through the checks
        }
        parents.put(parent, isDirectory);
      }
      if (!isDirectory) {
        return false;
      }
    }
    return Files.exists(files.root().resolve(f.path()), LinkOption.NOFOLLOW_LINKS);
  }

  /** Creates a directory or symlink of the copy. */
  private void place(ContextFile f) throws SessionException, IOException {
    if (f.isDirectory()) {
      refused(() -> files.createDirectory(f.path()));
    } else if (f.isSymlink()) {
      refused(() -> files.createSymlink(f.path(), f.linkTarget()));
    } else {
      throw new SessionException(
          "the context holds "
              + f.path()
              + ", which is neither a file, a directory nor a symlink;"
              + " exclude it in .dockerignore");
    }
    index.put(f.path(), entry(f, null));
  }

  /**
   * Writes a file's new contents beside it, then renames; returns their sha256. Exactly the {@code
   * size} the listing announced is taken: a client that sends more (or less) is refused rather than
   * trusted to fill the disk.
   */
  private String write(String path, long size, InputStream in) throws IOException {
    MessageDigest digest = sha256();
    files.writeFile(
        path,
        out -> {
          try (OutputStream digesting = new DigestOutputStream(out, digest)) {
            long received = in.transferTo(new BoundedOutput(digesting, path, size));
            if (received != size) {
              throw sizeMismatch(path, size, Long.toString(received));
            }
          }
        });
    return HexFormat.of().formatHex(digest.digest());
  }

  private static IOException sizeMismatch(String path, long announced, String received) {
    return new IOException(
        "the client sent "
            + received
            + " bytes for \""
            + path
            + "\" of its context, whose listing announced "
            + announced
            + "; if the file changed while it was sent, run the build again");
  }

  /** Passes on at most {@code size} bytes and fails on the first byte beyond. */
  private static final class BoundedOutput extends OutputStream {
    private final OutputStream out;
    private final String path;
    private final long size;
    private long written;

    BoundedOutput(OutputStream out, String path, long size) {
      this.out = out;
      this.path = path;
      this.size = size;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > size - written) {
        throw sizeMismatch(path, size, "more than " + size);
      }
      out.write(b, off, len);
      written += len;
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  /** Runs one placement; a name the confined copy refuses is the client's error. */
  private static void refused(Step step) throws SessionException, IOException {
    try {
      step.run();
    } catch (ConfinedPathException e) {
      throw new SessionException("the client's context listing was refused: " + e.getMessage(), e);
    }
  }

  private static Entry entry(ContextFile f, String sha) {
    return new Entry(
        f.size(),
        f.mtimeNanos(),
        f.ctimeNanos(),
        f.inode(),
        f.mode(),
        f.uid(),
        f.gid(),
        f.linkTarget(),
        sha);
  }

  private void saveIndex() throws IOException {
    Path tmp = indexFile.resolveSibling("index.json.tmp");
    JSON.writeValue(tmp.toFile(), index);
    Files.move(tmp, indexFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    loaded.stamp = stamp(indexFile);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
