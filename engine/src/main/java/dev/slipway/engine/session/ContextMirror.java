package dev.slipway.engine.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.fs.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The engine's incremental copy of one client context. A sync lists what a step selects, then
 * fetches only the files whose size, modification time or mode differ from the copy — the second
 * build after editing one file transfers that one file. Each copied file's sha256 is kept, so the
 * content checksum that keys the cache costs no re-reading either.
 */
public final class ContextMirror {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the mirror knows of one file. */
  record Entry(
      long size, long mtimeNanos, int mode, int uid, int gid, String link, String sha256) {}

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

  private final Path files;
  private final Path indexFile;
  private final Map<String, Entry> index;

  private ContextMirror(Path dir, Map<String, Entry> index) {
    this.files = dir.resolve("files");
    this.indexFile = dir.resolve("index.json");
    this.index = index;
  }

  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  /** The lock that serializes syncs of one mirror within this process. */
  public static Object lockFor(Path dir) {
    return LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new Object());
  }

  public static ContextMirror open(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("files"));
    Path indexFile = dir.resolve("index.json");
    Map<String, Entry> index = new ConcurrentHashMap<>();
    if (Files.exists(indexFile)) {
      try {
        index.putAll(
            JSON.readValue(indexFile.toFile(), new TypeReference<Map<String, Entry>>() {}));
      } catch (IOException e) {
        index.clear(); // a lost index only costs a full transfer
      }
    }
    return new ContextMirror(dir, index);
  }

  public Path root() {
    return files;
  }

  public Sync sync(
      ContextFiles client,
      List<String> includes,
      List<String> excludes,
      List<String> followPaths,
      TransferListener listener)
      throws SessionException, IOException {
    List<ContextFile> selected = client.stat(includes, excludes, followPaths);
    long total = 0;
    for (ContextFile f : selected) {
      if (f.isRegularFile() && !f.isHardLink() && !upToDate(f)) {
        total += f.size();
      }
    }
    long transferred = 0;
    int count = 0;
    MessageDigest selection = sha256();
    for (ContextFile f : selected) {
      Path local = files.resolve(f.path());
      if (!local.normalize().startsWith(files)) {
        throw new SessionException("the client listed a path outside its context: " + f.path());
      }
      Entry entry = index.get(f.path());
      if (!upToDate(f)) {
        entry = fetch(client, f, local);
        index.put(f.path(), entry);
        if (f.isRegularFile() && !f.isHardLink()) {
          transferred += f.size();
          count++;
          listener.transferred(transferred, total);
        }
      }
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
                  + (entry.sha256() == null ? "" : entry.sha256())
                  + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    saveIndex();
    return new Sync(
        selected, "sha256:" + HexFormat.of().formatHex(selection.digest()), transferred, count);
  }

  private boolean upToDate(ContextFile f) {
    Entry e = index.get(f.path());
    return e != null
        && e.size() == f.size()
        && e.mtimeNanos() == f.mtimeNanos()
        && e.mode() == f.mode()
        && e.uid() == f.uid()
        && e.gid() == f.gid()
        && e.link().equals(f.linkTarget())
        && Files.exists(files.resolve(f.path()), LinkOption.NOFOLLOW_LINKS);
  }

  private Entry fetch(ContextFiles client, ContextFile f, Path local)
      throws SessionException, IOException {
    Files.createDirectories(local.getParent());
    if (Files.exists(local, LinkOption.NOFOLLOW_LINKS)
        && (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS) || !f.isDirectory())) {
      FileTrees.deleteRecursively(local);
    }
    String sha = null;
    if (f.isDirectory()) {
      Files.createDirectories(local);
    } else if (f.isSymlink()) {
      Files.createSymbolicLink(local, Path.of(f.linkTarget()));
    } else if (f.isHardLink()) {
      Files.createLink(local, files.resolve(f.linkTarget()));
      sha = index.get(f.linkTarget()) == null ? null : index.get(f.linkTarget()).sha256();
    } else if (f.isRegularFile()) {
      Path tmp = local.resolveSibling("." + local.getFileName() + ".part");
      MessageDigest digest = sha256();
      try (InputStream in = client.open(f.path());
          OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
        in.transferTo(out);
      }
      Files.move(tmp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      sha = HexFormat.of().formatHex(digest.digest());
    } else {
      throw new SessionException(
          "the context holds "
              + f.path()
              + ", which is neither a file, a directory nor a symlink;"
              + " exclude it in .dockerignore");
    }
    if (!f.isSymlink()) {
      Files.setAttribute(local, "unix:mode", f.mode() & 07777, LinkOption.NOFOLLOW_LINKS);
      Files.setLastModifiedTime(local, FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS));
    }
    return new Entry(f.size(), f.mtimeNanos(), f.mode(), f.uid(), f.gid(), f.linkTarget(), sha);
  }

  private void saveIndex() throws IOException {
    Path tmp = indexFile.resolveSibling("index.json.tmp");
    JSON.writeValue(tmp.toFile(), index);
    Files.move(tmp, indexFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
