package dev.slipway.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.graph.ExecOp.CacheSharing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How RUN --mount=type=cache directories are shared between steps running at the same time. */
@Timeout(30)
class CacheMountsTest {

  @TempDir Path root;
  private final CacheLeases leases = new CacheLeases();
  private final CacheLeases.BuildLease build = leases.open();

  @Test
  void sharedStepsUseOneDirectoryPerIdAtTheSameTime() throws Exception {
    CacheMounts mounts = new CacheMounts(root);
    try (CacheMounts.Lease a = mounts.acquire("t", "go", CacheSharing.SHARED, build);
        CacheMounts.Lease b = mounts.acquire("t", "go", null, build);
        CacheMounts.Lease other = mounts.acquire("t", "npm", CacheSharing.SHARED, build)) {
      assertThat(b.directory()).isEqualTo(a.directory());
      assertThat(other.directory()).isNotEqualTo(a.directory());
      assertThat(a.directory().getParent()).isEqualTo(root);
    }
  }

  @Test
  void anotherTenantsBuildsGetAnotherDirectoryForTheSameId() throws Exception {
    CacheMounts mounts = new CacheMounts(root);
    try (CacheMounts.Lease a = mounts.acquire("namespace:team-a", "/root/.m2", null, build);
        CacheMounts.Lease b = mounts.acquire("namespace:team-b", "/root/.m2", null, build);
        CacheMounts.Lease a2 = mounts.acquire("namespace:team-a", "/root/.m2", null, build)) {
      assertThat(b.directory()).isNotEqualTo(a.directory());
      assertThat(a2.directory()).isEqualTo(a.directory());
    }
  }

  @Test
  void aPrivateStepGetsAFreshDirectoryOnlyWhileTheCacheIsInUse() throws Exception {
    CacheMounts mounts = new CacheMounts(root);
    Path shared;
    try (CacheMounts.Lease a = mounts.acquire("t", "go", CacheSharing.SHARED, build);
        CacheMounts.Lease b = mounts.acquire("t", "go", CacheSharing.PRIVATE, build)) {
      shared = a.directory();
      assertThat(b.directory()).isNotEqualTo(shared);
    }
    try (CacheMounts.Lease alone = mounts.acquire("t", "go", CacheSharing.PRIVATE, build)) {
      assertThat(alone.directory()).isEqualTo(shared);
    }
  }

  @Test
  void lockedStepsTakeTurns() throws Exception {
    CacheMounts mounts = new CacheMounts(root);
    var threads = Executors.newVirtualThreadPerTaskExecutor();
    try {
      CacheMounts.Lease first = mounts.acquire("t", "apt", CacheSharing.LOCKED, build);
      // a lock is released by the thread that took it, as a RUN step does
      CompletableFuture<Path> second =
          CompletableFuture.supplyAsync(
              () -> {
                try (CacheMounts.Lease next = mounts.acquire("t", "apt", CacheSharing.LOCKED, build)) {
                  return next.directory();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              threads);

      assertThat(waitedOut(second)).as("blocked while the first holds the lock").isTrue();
      first.close();
      first.close(); // closing twice releases once
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(first.directory());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theBuildHoldsItsCacheDirectoriesAndClosingALeaseMarksItsUse() throws Exception {
    CacheMounts mounts = new CacheMounts(root);
    Path dir;
    try (CacheMounts.Lease lease = mounts.acquire("t", "go", CacheSharing.SHARED, build)) {
      dir = Files.createDirectories(lease.directory());
      Files.setLastModifiedTime(dir, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    }
    String id = CacheLeases.CACHE_MOUNT_PREFIX + dir.getFileName();

    assertThat(Files.getLastModifiedTime(dir).toInstant()).isAfter(Instant.now().minusSeconds(60));
    assertThat(leases.isHeld(id)).isTrue();
    build.close();
    assertThat(leases.isHeld(id)).isFalse();
  }

  private static boolean waitedOut(CompletableFuture<?> f) throws Exception {
    try {
      f.get(300, TimeUnit.MILLISECONDS);
      return false;
    } catch (TimeoutException e) {
      return true;
    }
  }
}
