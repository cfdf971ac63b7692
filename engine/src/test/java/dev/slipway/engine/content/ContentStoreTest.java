package dev.slipway.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
  @TempDir Path state;

  @Test
  void storesBlobsUnderTheirDigest() throws Exception {
    ContentStore store = ContentStore.open(state);
    byte[] data = "hello layer".getBytes(StandardCharsets.UTF_8);
    BlobInfo info = store.ingest(new ByteArrayInputStream(data));

    assertThat(info.digest()).isEqualTo(Digest.of(data));
    assertThat(info.size()).isEqualTo(data.length);
    assertThat(state.resolve("blobs/sha256/" + info.digest().hex())).hasBinaryContent(data);
    assertThat(store.exists(info.digest())).isTrue();
    assertThat(store.size(info.digest())).isEqualTo(data.length);
    try (InputStream in = store.open(info.digest())) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(store.list()).extracting(BlobInfo::digest).containsExactly(info.digest());
    assertThat(store.delete(info.digest())).isTrue();
    assertThat(store.exists(info.digest())).isFalse();
    assertThatThrownBy(() -> store.open(info.digest()))
        .isInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(info.digest().toString());
  }

  @Test
  void refusesContentThatDoesNotMatchItsDigestAndLeavesNothingBehind() throws Exception {
    ContentStore store = ContentStore.open(state);
    Digest promised = Digest.of("expected".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () -> store.ingest(new ByteArrayInputStream("tampered".getBytes()), promised))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(promised.toString());
    Descriptor wrongSize = Descriptor.of(MediaTypes.OCI_LAYER, Digest.of("x".getBytes()), 5);
    assertThatThrownBy(() -> store.ingest(new ByteArrayInputStream("x".getBytes()), wrongSize))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("expected 5 bytes");
    assertThat(blobDirEntries()).isEmpty();
  }

  @Test
  void listReportsSizesAndLastUse() throws Exception {
    ContentStore store = ContentStore.open(state);
    BlobInfo a = store.ingest(new byte[10]);
    BlobInfo b = store.ingest(new byte[20]);
    List<BlobInfo> listed = store.list();
    assertThat(listed).hasSize(2);
    assertThat(listed).extracting(BlobInfo::size).containsExactlyInAnyOrder(10L, 20L);
    assertThat(listed)
        .allSatisfy(i -> assertThat(i.lastUsed()).isAfter(Instant.now().minusSeconds(60)));
    assertThat(List.of(a.digest(), b.digest()))
        .containsExactlyInAnyOrderElementsOf(listed.stream().map(BlobInfo::digest).toList());
  }

  @Test
  void parallelWritersOfTheSameBlobAgree() throws Exception {
    ContentStore store = ContentStore.open(state);
    byte[] data = new byte[3 << 20];
    new Random(7).nextBytes(data);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<BlobInfo>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        Callable<BlobInfo> c = () -> store.ingest(new ByteArrayInputStream(data));
        results.add(pool.submit(c));
      }
      for (Future<BlobInfo> f : results) {
        assertThat(f.get().digest()).isEqualTo(Digest.of(data));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(blobDirEntries()).containsExactly(Digest.of(data).hex());
    assertThat(store.read(Digest.of(data))).isEqualTo(data);
  }

  @Test
  void abandonedTempFilesAreRemovedAtOpenButLiveWritersAreKept() throws Exception {
    ContentStore store = ContentStore.open(state);
    Path stale = Files.createFile(state.resolve("blobs/sha256/" + ContentStore.TEMP_PREFIX + "x"));
    try (BlobWriter live = store.writer()) {
      live.write(new byte[100]);
      ContentStore.open(state);
      assertThat(stale).doesNotExist();
      assertThat(blobDirEntries()).hasSize(1); // the live writer's temp file
      BlobInfo committed = live.commit();
      assertThat(committed.size()).isEqualTo(100);
    }
    assertThat(blobDirEntries()).containsExactly(Digest.of(new byte[100]).hex());
  }

  @Test
  void killingAWriterMidBlobLeavesNoPartialBlob() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SlowBlobWriter.class.getName(),
                state.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("writing");
      assertThat(blobDirEntries()).singleElement().asString().startsWith(".ingest-");
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    ContentStore store = ContentStore.open(state);
    assertThat(store.list()).isEmpty();
    assertThat(blobDirEntries()).isEmpty();
  }

  /** Child process for the kill test: starts a blob and never finishes it. */
  public static final class SlowBlobWriter {
    public static void main(String[] args) throws Exception {
      ContentStore store = ContentStore.open(Path.of(args[0]));
      BlobWriter writer = store.writer();
      writer.write(new byte[1 << 20]);
      System.out.println("writing");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private List<String> blobDirEntries() throws Exception {
    try (Stream<Path> s = Files.list(state.resolve("blobs/sha256"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
