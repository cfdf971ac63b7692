package dev.slipway.engine.cache;

import dev.slipway.engine.content.BlobInfo;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.image.ImageBlobs;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.snapshot.CommittedSnapshot;
import dev.slipway.engine.snapshot.SafeDelete;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Everything the cache holds on disk, item by item, with sizes, ages and whether a running build
 * uses it. Each item knows how to remove itself crash-safely: the cache record goes before the data
 * it describes, and directories are renamed into the engine's temp directory (emptied at every
 * start) before they are deleted, so a kill -9 never leaves a half-deleted item in use.
 */
public final class CacheInventory {
  static final String LAYER_PREFIX = "layer-";

  private final CacheIndex index;
  private final Snapshotter snapshots;
  private final ContentStore content;
  private final ImageStore images;
  private final Path contexts;
  private final Path cacheMounts;
  private final Path trash;
  private final CacheLeases leases;

  /**
   * @param contexts where the copies of clients' contexts live
   * @param cacheMounts where {@code RUN --mount=type=cache} directories live
   * @param trash a directory on the same file system that the engine empties when it starts
   */
  public CacheInventory(
      CacheIndex index,
      Snapshotter snapshots,
      ContentStore content,
      ImageStore images,
      Path contexts,
      Path cacheMounts,
      Path trash,
      CacheLeases leases) {
    this.index = index;
    this.snapshots = snapshots;
    this.content = content;
    this.images = images;
    this.contexts = contexts;
    this.cacheMounts = cacheMounts;
    this.trash = trash;
    this.leases = leases;
  }

  CacheLeases leases() {
    return leases;
  }

  /** All items, least recently used first. */
  public List<CacheItem> items() throws IOException {
    List<CacheRecord> records = index.list();
    Set<Digest> imageBlobs = blobsOfImages();
    Map<Digest, Integer> recordBlobUses = new HashMap<>();
    for (CacheRecord r : records) {
      layerBlob(r).ifPresent(d -> recordBlobUses.merge(d, 1, Integer::sum));
    }
    Map<String, List<CacheRecord>> bySnapshot = new HashMap<>();
    for (CacheRecord r : records) {
      if (r.snapshotKey() != null) {
        bySnapshot.computeIfAbsent(r.snapshotKey(), k -> new ArrayList<>()).add(r);
      }
    }
    List<CacheItem> items = new ArrayList<>();
    for (CommittedSnapshot s : snapshots.list()) {
      List<Digest> ownBlobs = new ArrayList<>();
      for (CacheRecord r : bySnapshot.getOrDefault(s.key(), List.of())) {
        layerBlob(r)
            .filter(d -> !imageBlobs.contains(d) && recordBlobUses.get(d) == 1)
            .filter(content::exists)
            .ifPresent(ownBlobs::add);
      }
      items.add(snapshotItem(s, bySnapshot.getOrDefault(s.key(), List.of()), ownBlobs));
    }
    items.addAll(directoryItems(contexts, CacheType.LOCAL_CONTEXT, CacheLeases.CONTEXT_PREFIX));
    items.addAll(
        directoryItems(cacheMounts, CacheType.CACHE_MOUNT, CacheLeases.CACHE_MOUNT_PREFIX));
    Optional<Instant> oldestBuild = leases.oldestBuildStart();
    for (BlobInfo blob : content.list()) {
      if (!imageBlobs.contains(blob.digest()) && !recordBlobUses.containsKey(blob.digest())) {
        items.add(blobItem(blob, oldestBuild));
      }
    }
    return InUsePropagation.apply(items, leases);
  }

  private CacheItem snapshotItem(CommittedSnapshot s, List<CacheRecord> records, List<Digest> blobs)
      throws IOException {
    long size = DirectorySize.of(s.directory());
    for (Digest d : blobs) {
      size += sizeOf(d);
    }
    boolean layer = s.key().startsWith(LAYER_PREFIX);
    List<String> leaseIds = new ArrayList<>();
    leaseIds.add(s.key());
    records.forEach(r -> leaseIds.add(r.key()));
    Instant committed = snapshots.committedAt(s.key());
    CacheLeases.Removal removal =
        () -> {
          for (CacheRecord r : records) {
            index.remove(r.key());
          }
          snapshots.remove(s.key());
          for (Digest d : blobs) {
            content.delete(d);
          }
        };
    if (records.isEmpty()) {
      return new CacheItem(
          s.key(),
          layer ? CacheType.IMAGE_LAYER : CacheType.REGULAR,
          layer
              ? "base image layer " + shortHex(s.key().substring(LAYER_PREFIX.length()))
              : "step result without a cache record",
          size,
          false,
          committed,
          committed,
          0,
          s.key(),
          s.parent().orElse(null),
          leaseIds,
          removal);
    }
    CacheRecord first = records.get(0);
    return new CacheItem(
        first.key(),
        CacheType.REGULAR,
        first.description() == null ? "" : first.description(),
        size,
        false,
        records.stream().map(r -> orElse(r.created(), committed)).min(Instant::compareTo).get(),
        records.stream().map(r -> orElse(r.lastUsed(), committed)).max(Instant::compareTo).get(),
        records.stream().mapToLong(CacheRecord::usageCount).sum(),
        s.key(),
        s.parent().orElse(null),
        leaseIds,
        removal);
  }

  private List<CacheItem> directoryItems(Path root, CacheType type, String leasePrefix)
      throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<CacheItem> items = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        String name = dir.getFileName().toString();
        Instant used;
        try {
          used = Files.getLastModifiedTime(dir).toInstant();
        } catch (NoSuchFileException e) {
          continue;
        }
        items.add(
            new CacheItem(
                leasePrefix + name,
                type,
                type == CacheType.LOCAL_CONTEXT
                    ? "engine copy of a build context"
                    : "cache mount " + shortHex(name),
                DirectorySize.of(dir),
                false,
                used,
                used,
                0,
                null,
                null,
                List.of(leasePrefix + name),
                () -> deleteDirectory(dir)));
      }
    }
    return items;
  }

  private CacheItem blobItem(BlobInfo blob, Optional<Instant> oldestBuild) {
    // A running build may have written this blob and not referenced it yet.
    boolean maybeInUse = oldestBuild.isPresent() && !blob.lastUsed().isBefore(oldestBuild.get());
    return new CacheItem(
        blob.digest().toString(),
        CacheType.CONTENT,
        "unreferenced blob",
        blob.size(),
        maybeInUse,
        blob.lastUsed(),
        blob.lastUsed(),
        0,
        null,
        null,
        List.of(blob.digest().toString()),
        () -> content.delete(blob.digest()));
  }

  /** Renames the directory out of sight first: a kill -9 during the delete leaves only trash. */
  private void deleteDirectory(Path dir) throws IOException {
    Files.createDirectories(trash);
    Path doomed = trash.resolve("gc-" + UUID.randomUUID());
    try {
      Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return;
    }
    SafeDelete.tree(doomed);
  }

  private Set<Digest> blobsOfImages() throws IOException {
    Set<Digest> blobs = new HashSet<>();
    for (Descriptor root : images.list().values()) {
      if (content.exists(root.digest())) {
        for (Descriptor d : ImageBlobs.of(content, root)) {
          blobs.add(d.digest());
        }
      }
    }
    return blobs;
  }

  private long sizeOf(Digest d) {
    try {
      return content.size(d);
    } catch (IOException e) {
      return 0;
    }
  }

  private static Optional<Digest> layerBlob(CacheRecord r) {
    return Optional.ofNullable(r.layerDigest()).map(Digest::parse);
  }

  private static Instant orElse(Instant t, Instant fallback) {
    return t != null ? t : fallback;
  }

  private static String shortHex(String hex) {
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }

  static Comparator<CacheItem> leastRecentlyUsedFirst() {
    return Comparator.comparing(CacheItem::lastUsed).thenComparing(CacheItem::id);
  }
}
