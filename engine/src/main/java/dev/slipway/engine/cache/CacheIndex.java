package dev.slipway.engine.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local cache index: runtime cache key → {@link CacheRecord}, one small JSON file per record.
 * Each write goes to a temporary file that is synced and then renamed over the record, so a kill -9
 * at any moment leaves either the old record or the new one — never a torn one. Stray temporary
 * files from a killed writer are removed on open.
 */
public final class CacheIndex {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Path dir;

  private CacheIndex(Path dir) {
    this.dir = dir;
  }

  public static CacheIndex open(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
        Files.deleteIfExists(p);
      }
    }
    return new CacheIndex(dir);
  }

  public Optional<CacheRecord> get(String key) throws IOException {
    Path file = file(key);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), CacheRecord.class));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // Cannot happen with rename-based writes unless the disk lied; treat as a miss.
      Files.deleteIfExists(file);
      return Optional.empty();
    }
  }

  public void put(CacheRecord record) throws IOException {
    Path target = file(record.key());
    Path tmp =
        dir.resolve(
            fileName(record.key())
                + "."
                + ProcessHandle.current().pid()
                + "."
                + Thread.currentThread().threadId()
                + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(record));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("the cache directory " + dir + " does not support atomic renames", e);
    }
  }

  public boolean remove(String key) throws IOException {
    return Files.deleteIfExists(file(key));
  }

  public List<CacheRecord> list() throws IOException {
    List<CacheRecord> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
        try {
          records.add(JSON.readValue(p.toFile(), CacheRecord.class));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
          Files.deleteIfExists(p);
        }
      }
    }
    return records;
  }

  private Path file(String key) {
    return dir.resolve(fileName(key) + ".json");
  }

  private static String fileName(String key) {
    return key.replace(':', '-');
  }
}
