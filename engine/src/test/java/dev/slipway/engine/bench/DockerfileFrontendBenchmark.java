package dev.slipway.engine.bench;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.frontend.dockerfile.conversion.ConvertRequest;
import dev.slipway.engine.frontend.dockerfile.conversion.DockerfileFrontend;
import dev.slipway.engine.frontend.dockerfile.conversion.GeneratedDockerfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse + convert of a generated 500-line, 10-stage Dockerfile (every stage needed by the last).
 * Run with {@code engine/bench/frontend.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DockerfileFrontendBenchmark {

  private ConvertRequest request;

  @Setup
  public void setUp() {
    String dockerfile = GeneratedDockerfile.generate(10);
    request =
        ConvertRequest.builder(dockerfile, GeneratedDockerfile::resolve)
            .targetPlatform(Platform.parse("linux/amd64"))
            .buildPlatform(Platform.parse("linux/amd64"))
            .build();
  }

  @Benchmark
  public BuildDefinition parseAndConvert() {
    return DockerfileFrontend.convert(request);
  }
}
