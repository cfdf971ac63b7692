package dev.slipway.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import dev.slipway.api.control.v1.DiskUsageResponse;
import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.engine.content.BlobInfo;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.image.ImageArchiveImporter;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.ImportRequest;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.snapshot.Snapshotters;
import dev.slipway.testing.Busybox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage collection over a real snapshotter, cache index and content store. */
class CachePrunerTest {
  private static final Instant NOW = Instant.now();

  @TempDir Path state;
  private Snapshotter snapshots;
  private CacheIndex index;
  private ContentStore content;
  private ImageStore images;
  private CacheLeases leases;
  private CacheInventory inventory;

  @BeforeEach
  void open() throws IOException {
    snapshots = Snapshotters.open(state.resolve("snapshots"), Optional.empty());
    index = CacheIndex.open(state.resolve("cache"));
    content = ContentStore.open(state.resolve("content"));
    images = ImageStore.open(state.resolve("images"), content);
    leases = new CacheLeases();
    inventory =
        new CacheInventory(
            index,
            snapshots,
            content,
            images,
            state.resolve("contexts"),
            state.resolve("cache-mounts"),
            state.resolve("tmp"),
            leases);
  }

  @AfterEach
  void close() throws IOException {
    snapshots.close();
  }

  @Test
  void reportsEachItemWithItsOwnSizeAndTotals() throws IOException {
    step("base", null, 10_000, days(3));
    step("child", "base", 2_500, days(1));
    Path mount = Files.createDirectories(state.resolve("cache-mounts/m1"));
    Files.write(mount.resolve("f"), new byte[700]);
    Files.createLink(mount.resolve("hardlink"), mount.resolve("f"));

    DiskUsageResponse du = new CacheUsage(inventory).report();

    assertThat(du.getRecordsList())
        .extracting(r -> r.getId() + "=" + r.getSizeBytes() + "/" + r.getType())
        .containsExactlyInAnyOrder(
            "sha256:base=10000/regular",
            "sha256:child=2500/regular",
            "cache-mounts/m1=700/exec.cachemount");
    assertThat(du.getTotalBytes()).isEqualTo(13_200);
    assertThat(du.getReclaimableBytes()).isEqualTo(13_200);
  }

  @Test
  void keepStorageRemovesLeastRecentlyUsedFirstAndReportsTheFreedBytes() throws IOException {
    step("old", null, 4_000, days(5));
    step("middle", null, 4_000, days(3));
    step("recent", null, 4_000, days(1));

    PruneResponse r = prune(PruneRequest.newBuilder().setKeepBytes(5_000));

    assertThat(r.getRemovedList())
        .extracting(c -> c.getId())
        .containsExactly("sha256:old", "sha256:middle");
    assertThat(r.getReclaimedBytes()).isEqualTo(8_000);
    assertThat(index.get("sha256:old")).isEmpty();
    assertThat(snapshots.get("old")).isEmpty();
    assertThat(snapshots.get("recent")).isPresent();
    assertThat(new CacheUsage(inventory).report().getTotalBytes()).isEqualTo(4_000);
  }

  @Test
  void ageFilterRemovesOnlyItemsUnusedForThatLong() throws IOException {
    step("stale", null, 1_000, days(3));
    step("fresh", null, 1_000, Instant.now().minus(1, ChronoUnit.HOURS));

    PruneResponse r = prune(PruneRequest.newBuilder().addFilters("until=24h"));

    assertThat(r.getRemovedList()).extracting(c -> c.getId()).containsExactly("sha256:stale");
    assertThat(snapshots.get("fresh")).isPresent();
    PruneResponse byKeepDuration =
        prune(PruneRequest.newBuilder().setKeepDuration(Duration.newBuilder().setSeconds(1800)));
    assertThat(byKeepDuration.getRemovedList())
        .extracting(c -> c.getId())
        .containsExactly("sha256:fresh");
  }

  @Test
  void neverRemovesWhatARunningBuildHoldsNorTheParentsBelowIt() throws IOException {
    step("base", null, 1_000, days(9));
    step("held", "base", 1_000, days(8));
    step("free", null, 1_000, days(7));

    try (CacheLeases.BuildLease build = leases.open()) {
      build.hold("sha256:held");
      DiskUsageResponse du = new CacheUsage(inventory).report();
      assertThat(du.getRecordsList())
          .filteredOn(c -> c.getInUse())
          .extracting(c -> c.getId())
          .containsExactlyInAnyOrder("sha256:held", "sha256:base");
      assertThat(du.getReclaimableBytes()).isEqualTo(1_000);

      PruneResponse r = prune(PruneRequest.newBuilder().setAll(true));

      assertThat(r.getRemovedList()).extracting(c -> c.getId()).containsExactly("sha256:free");
      assertThat(snapshots.get("held")).isPresent();
      assertThat(snapshots.get("base")).isPresent();
    }
    PruneResponse after = prune(PruneRequest.newBuilder().setAll(true));
    assertThat(after.getRemovedList())
        .extracting(c -> c.getId())
        .containsExactly("sha256:held", "sha256:base");
    assertThat(snapshots.list()).isEmpty();
  }

  @Test
  void aParentStaysWhileAKeptChildNeedsIt() throws IOException {
    step("parent", null, 5_000, days(9));
    step("child", "parent", 100, Instant.now());

    PruneResponse r = prune(PruneRequest.newBuilder().addFilters("until=24h"));

    assertThat(r.getRemovedList()).isEmpty();
    assertThat(snapshots.get("parent")).isPresent();
  }

  @Test
  void collectsBlobsNothingReferencesAndKeepsThoseOfImagesAndRecords() throws IOException {
    new ImageArchiveImporter(images)
        .importFrom(Busybox.ARCHIVE, ImportRequest.any().withName("busybox:latest"));
    BlobInfo orphan = content.ingest("exported manifest nobody names".getBytes());
    BlobInfo layer = content.ingest(new byte[3_000]);
    step("withLayer", null, 1_000, Instant.now());
    index.put(
        index.get("sha256:withLayer").get().withLayer(layer.digest().toString(), "t", 3_000, "d"));

    DiskUsageResponse du = new CacheUsage(inventory).report();
    assertThat(du.getRecordsList())
        .extracting(c -> c.getId() + "=" + c.getSizeBytes())
        .containsExactlyInAnyOrder(orphan.digest() + "=" + orphan.size(), "sha256:withLayer=4000");

    PruneResponse r = prune(PruneRequest.newBuilder().setAll(true));

    assertThat(r.getReclaimedBytes()).isEqualTo(orphan.size() + 4_000);
    assertThat(content.exists(orphan.digest())).isFalse();
    assertThat(content.exists(layer.digest())).isFalse();
    assertThat(content.exists(Digest.parse(Busybox.LAYER))).isTrue();
    assertThat(content.exists(Digest.parse(Busybox.MANIFEST))).isTrue();
  }

  @Test
  void aResultWhoseRecordWentBeforeItsSnapshotIsStillCollected() throws IOException {
    // What a kill -9 between the two deletions of a prune leaves behind.
    step("half", null, 2_000, days(2));
    index.remove("sha256:half");

    List<String> ids =
        new CacheUsage(inventory).report().getRecordsList().stream().map(c -> c.getId()).toList();
    assertThat(ids).containsExactly("half");
    assertThat(prune(PruneRequest.newBuilder().setAll(true)).getReclaimedBytes()).isEqualTo(2_000);
    assertThat(snapshots.list()).isEmpty();
  }

  @Test
  void refusesUnknownFilters() {
    assertThatThrownBy(() -> PrunePolicy.of(PruneRequest.newBuilder().addFilters("size>1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("until=DURATION");
    assertThat(PrunePolicy.parseDuration("1h30m")).isEqualTo(java.time.Duration.ofMinutes(90));
    assertThatThrownBy(() -> PrunePolicy.parseDuration("yesterday")).hasMessageContaining("24h");
  }

  private PruneResponse prune(PruneRequest.Builder request) throws IOException {
    return new CachePruner(inventory).prune(PrunePolicy.of(request.build()));
  }

  /**
   * A committed step result of {@code bytes} bytes and its cache record, last used {@code when}.
   */
  private void step(String key, String parent, int bytes, Instant when) throws IOException {
    try (ActiveSnapshot active = snapshots.prepare(key, parent)) {
      Files.write(active.rootfs().resolve(key + ".bin"), new byte[bytes]);
      snapshots.commit(active);
    }
    index.put(
        new CacheRecord("sha256:" + key, key, "RUN " + key, when, when, 1, null, null, null, null));
  }

  private static Instant days(int n) {
    return NOW.minus(n, ChronoUnit.DAYS);
  }
}
