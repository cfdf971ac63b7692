package dev.slipway.engine.solver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** differential run/mount-cache-from-stage: a new cache starts as a copy of the stage's dir. */
class CacheSeedTest {

  @TempDir Path stage;
  @TempDir Path caches;

  @Test
  void aNewCacheIsACopyOfTheSourceWithLinksKeptAsLinks() throws IOException {
    Files.createDirectories(stage.resolve("seed/sub"));
    Files.writeString(stage.resolve("seed/sub/s.txt"), "seeded\n");
    Files.createSymbolicLink(stage.resolve("seed/out"), Path.of("/etc/passwd"));
    Path cache = caches.resolve("c1");

    CacheSeed.seedIfNew(cache, stage, "/seed");

    assertThat(cache.resolve("sub/s.txt")).hasContent("seeded");
    assertThat(Files.readSymbolicLink(cache.resolve("out"))).isEqualTo(Path.of("/etc/passwd"));
    try (var left = Files.list(caches)) {
      assertThat(left).containsExactly(cache);
    }
  }

  @Test
  void anExistingCacheIsLeftAsItIs() throws IOException {
    Files.createDirectories(stage.resolve("seed"));
    Files.writeString(stage.resolve("seed/new.txt"), "new\n");
    Path cache = Files.createDirectories(caches.resolve("c2"));
    Files.writeString(cache.resolve("old.txt"), "old\n");

    CacheSeed.seedIfNew(cache, stage, "/seed");

    try (var files = Files.list(cache)) {
      assertThat(files).containsExactly(cache.resolve("old.txt"));
    }
  }

  @Test
  void aSourceBehindALinkOutOfTheStageIsResolvedInsideIt() throws IOException {
    Path outside = Files.createDirectories(caches.resolve("outside"));
    Files.writeString(outside.resolve("host-secret"), "x");
    Files.createSymbolicLink(stage.resolve("escape"), Path.of("../../../../" + outside));
    Path cache = caches.resolve("c3");

    CacheSeed.seedIfNew(cache, stage, "/escape");

    // the link resolves to a path inside the stage, where nothing exists: an empty cache
    assertThat(Files.exists(cache, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void aMissingSourceLeavesNoDirectory() throws IOException {
    Path cache = caches.resolve("c4");
    CacheSeed.seedIfNew(cache, stage, "/nope");
    assertThat(cache).doesNotExist();
  }

  @Test
  void seededIdsDifferBySeed() {
    assertThat(CacheSeed.id("x", "snap-a", "/s")).isNotEqualTo(CacheSeed.id("x", "snap-b", "/s"));
    assertThat(CacheSeed.id("x", "snap-a", "/s")).isNotEqualTo(CacheSeed.id("x", "snap-a", "/t"));
  }
}
