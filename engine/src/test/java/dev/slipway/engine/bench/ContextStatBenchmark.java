package dev.slipway.engine.bench;

import dev.slipway.engine.session.LocalContextFiles;
import dev.slipway.session.ContextFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Listing a 20,000-file context (200 directories of 100 files) for the selections a build makes:
 * the Dockerfile alone, one directory's files by a glob, and everything. Run with {@code
 * engine/bench/context.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContextStatBenchmark {

  private Path context;
  private LocalContextFiles files;

  @Setup
  public void setUp() throws IOException {
    context = Files.createTempDirectory("slipway-context-bench");
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    for (int d = 0; d < 200; d++) {
      Path dir = Files.createDirectories(context.resolve("src/d" + d));
      for (int f = 0; f < 100; f++) {
        Files.writeString(dir.resolve("f" + f + ".txt"), "file " + f);
      }
    }
    files = new LocalContextFiles(context);
  }

  @TearDown
  public void tearDown() throws IOException {
    try (Stream<Path> walk = Files.walk(context)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public List<ContextFile> dockerfileOnly() throws Exception {
    return files.stat(List.of("Dockerfile"), List.of(), List.of());
  }

  @Benchmark
  public List<ContextFile> oneDirectoryGlob() throws Exception {
    return files.stat(List.of("src/d7/*.txt"), List.of(), List.of());
  }

  @Benchmark
  public List<ContextFile> wholeContext() throws Exception {
    return files.stat(List.of(), List.of(), List.of());
  }
}
