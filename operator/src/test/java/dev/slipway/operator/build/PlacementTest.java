package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPlacementStatus;
import dev.slipway.operator.control.BuilderPod;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static final String DOCKERFILE = "d".repeat(64);
  private static final String BUSYBOX = "127.0.0.1:5000/busybox:latest";
  private static final String ALPINE = "docker.io/library/alpine:3.20";
  private static final String GO = "docker.io/library/golang:1.23";

  /** The build placed in most tests: its context, its Dockerfile and three base images. */
  private static final BuildCacheKeys BUILD =
      new BuildCacheKeys("key", DOCKERFILE, List.of(BUSYBOX, ALPINE, GO));

  private static PodLoad pod(String name, int active, String... recentContextKeys) {
    return pod(name, active, List.of(recentContextKeys), List.of(), List.of());
  }

  private static PodLoad pod(
      String name, int active, List<String> keys, List<String> dockerfiles, List<String> images) {
    return new PodLoad(
        new BuilderPod(name, name + ":7777", name, true, false, null),
        2,
        active,
        keys,
        dockerfiles,
        images);
  }

  private static String chosen(List<PodLoad> pods, BuildCacheKeys cache) {
    return Placement.choose(pods, cache).orElseThrow().load().pod().name();
  }

  @Test
  void warmCacheWinsOverLoad() {
    assertThat(chosen(List.of(pod("a", 0), pod("b", 1, "other", "key")), BUILD)).isEqualTo("b");
  }

  @Test
  void theMostRecentlyWarmPodWins() {
    assertThat(chosen(List.of(pod("a", 0, "x", "key"), pod("b", 0, "key")), BUILD)).isEqualTo("b");
  }

  @Test
  void theContextOutweighsTheDockerfileAndABaseImage() {
    var cold = List.<String>of();
    PodLoad sameDockerfile = pod("a", 0, cold, List.of(DOCKERFILE), List.of(BUSYBOX));
    PodLoad sameContext = pod("b", 1, List.of("x", "y", "z", "key"), cold, cold);
    assertThat(chosen(List.of(sameDockerfile, sameContext), BUILD))
        .as("an old context (5) over Dockerfile and one base image (3)")
        .isEqualTo("b");
  }

  @Test
  void moreOfTheCacheWins() {
    var cold = List.<String>of();
    PodLoad oneImage = pod("a", 0, cold, cold, List.of(BUSYBOX));
    PodLoad twoImages = pod("b", 1, cold, cold, List.of(GO, "other", ALPINE));
    PodLoad dockerfile = pod("c", 0, cold, List.of("e".repeat(64), DOCKERFILE), cold);
    assertThat(chosen(List.of(oneImage, twoImages), BUILD)).isEqualTo("b");
    assertThat(chosen(List.of(oneImage, dockerfile), BUILD)).isEqualTo("c");
    var choice = Placement.choose(List.of(oneImage, twoImages, dockerfile), BUILD).orElseThrow();
    assertThat(choice.reason()).isEqualTo(BuildPlacementStatus.CACHE_AFFINITY);
    assertThat(choice.message())
        .as("ties go to the least loaded: c (0 busy) before b (1 busy)")
        .isEqualTo("placed on c: it holds this build's Dockerfile (score 2; b had 2)");
  }

  @Test
  void tiesGoToTheLeastLoadedThenByName() {
    assertThat(chosen(List.of(pod("b", 1, "key"), pod("c", 0, "key")), BUILD)).isEqualTo("c");
    assertThat(chosen(List.of(pod("c", 0, "key"), pod("b", 0, "key")), BUILD)).isEqualTo("b");
  }

  @Test
  void theMessageNamesWhatThePodHoldsAndTheRunnerUp() {
    PodLoad warm = pod("e2e-1", 0, List.of("key"), List.of(), List.of(BUSYBOX, GO));
    PodLoad lukewarm = pod("e2e-0", 0, List.of(), List.of(), List.of(BUSYBOX, ALPINE, GO));
    var choice = Placement.choose(List.of(lukewarm, warm), BUILD).orElseThrow();
    assertThat(choice.load().pod().name()).isEqualTo("e2e-1");
    assertThat(choice.score()).isEqualTo(10);
    assertThat(choice.message())
        .isEqualTo(
            "placed on e2e-1: it holds this build's context and 2 of its 3 base images (score"
                + " 10; e2e-0 had 3)");
    assertThat(choice.status().getPod()).isEqualTo("e2e-1");
    assertThat(choice.status().getReason()).isEqualTo("CacheAffinity");
  }

  @Test
  void aBusyWarmPodLeavesTheBuildToTheNextBest() {
    PodLoad busyWarm = pod("a", 2, List.of("key"), List.of(DOCKERFILE), List.of(BUSYBOX));
    PodLoad someImages = pod("b", 1, List.of(), List.of(), List.of(ALPINE));
    PodLoad idle = pod("c", 0);
    var choice = Placement.choose(List.of(busyWarm, someImages, idle), BUILD).orElseThrow();
    assertThat(choice.load().pod().name()).isEqualTo("b");
    assertThat(choice.message())
        .isEqualTo(
            "placed on b: it holds 1 of this build's 3 base images (score 1; a had 11, no free"
                + " slot)");
  }

  @Test
  void nothingWarmAmongTheFreeGoesToTheLeastLoaded() {
    PodLoad busyWarm = pod("a", 2, "key");
    var choice =
        Placement.choose(List.of(busyWarm, pod("b", 1), pod("c", 0, "other")), BUILD).orElseThrow();
    assertThat(choice.load().pod().name()).isEqualTo("c");
    assertThat(choice.reason()).isEqualTo(BuildPlacementStatus.LEAST_LOADED);
    assertThat(choice.score()).isZero();
    assertThat(choice.message())
        .isEqualTo(
            "placed on c: no pod with a free slot holds any of this build's cache (a holds this"
                + " build's context, score 8, but has no free slot); it is the least loaded (0 of"
                + " 2 slots busy)");
  }

  @Test
  void aBuildWithoutKnownCacheGoesToTheLeastLoaded() {
    var unknown = new BuildCacheKeys("", null, null);
    var choice = Placement.choose(List.of(pod("a", 1, ""), pod("b", 0)), unknown).orElseThrow();
    assertThat(choice.load().pod().name()).isEqualTo("b");
    assertThat(choice.message())
        .isEqualTo(
            "placed on b: no pod with a free slot holds any of this build's cache; it is the"
                + " least loaded (0 of 2 slots busy)");
  }

  @Test
  void nothingWhenAllAreFull() {
    List<PodLoad> full = List.of(pod("a", 2, "key"), pod("b", 3));
    assertThat(Placement.choose(full, BUILD)).isEmpty();
    assertThat(Placement.freeSlots(full)).isZero();
  }
}
