package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.ImageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Feeds random and mutated Dockerfiles to parse + convert: each must give a build definition or a
 * {@link DockerfileException} with a position; any other exception, or a conversion that takes
 * longer than the timeout, fails. 60,000 random plus 60,000 mutated inputs.
 */
class DockerfileFuzzTest {

  private static final ExecutorService WORKER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "dockerfile-fuzz");
            t.setDaemon(true);
            return t;
          });

  private static final List<String> CORPUS = corpus();

  private static final String[] TOKENS = {
    "FROM",
    "from",
    "RUN",
    "Run",
    "COPY",
    "ADD",
    "ENV",
    "ARG",
    "LABEL",
    "CMD",
    "ENTRYPOINT",
    "WORKDIR",
    "USER",
    "EXPOSE",
    "VOLUME",
    "SHELL",
    "HEALTHCHECK",
    "ONBUILD",
    "STOPSIGNAL",
    "MAINTAINER",
    "AS",
    "scratch",
    "alpine",
    "base",
    "0",
    "1",
    "b",
    " ",
    " ",
    " ",
    "\t",
    "\n",
    "\n",
    "\\\n",
    "`\n",
    "\\",
    "`",
    "#",
    "# escape=`",
    "# syntax=x",
    "# check=error=true",
    "$",
    "${",
    "}",
    "$X",
    "${X:-d}",
    "${X:?}",
    "${X#*}",
    "${X/a/b}",
    "${X%%.*}",
    "'",
    "\"",
    "[",
    "]",
    "[\"a\", \"b\"]",
    "[\"a\"",
    ",",
    "=",
    "X=1",
    "X",
    "--from=",
    "--from=0",
    "--from=b",
    "--chown=1:2",
    "--chmod=",
    "--chmod=755",
    "--link",
    "--parents",
    "--exclude=*",
    "--checksum=sha256:1",
    "--keep-git-dir",
    "--mount=",
    "--mount=type=cache,target=/c",
    "--mount=type=secret,id=s",
    "--mount=type=bind,from=b,target=/m",
    "--mount=type=ssh",
    "--mount=type=tmpfs,target=/t,size=1k",
    "--network=none",
    "--security=insecure",
    "--platform=$BUILDPLATFORM",
    "--platform=linux/arm64",
    "--interval=1s",
    "--retries=2",
    "NONE",
    "/",
    ".",
    "..",
    "/a/b",
    "./c",
    "*.txt",
    "?",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    "EOF",
    "\tEOF",
    "http://h/x",
    "git@h:r.git#m",
    "80/tcp",
    "1-3",
    "SIGTERM",
    "\u00e9",
    "\r\n",
    "\0",
  };

  private static List<String> corpus() {
    List<String> out = new ArrayList<>();
    try (Stream<Path> cases = Files.list(ConformanceCases.ROOT.resolve("cases"))) {
      for (Path dir : cases.sorted().toList()) {
        Path df = dir.resolve("Dockerfile");
        if (Files.exists(df)) {
          out.add(Files.readString(df));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("the conformance corpus is needed for mutation", e);
    }
    out.add(GeneratedDockerfile.generate(3));
    out.add(
        "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM ${BASE} AS build\nWORKDIR /src\n"
            + "COPY --link go.* ./\nRUN --mount=type=cache,target=/root/.cache go build\n"
            + "FROM scratch\nCOPY --from=build /src/app /app\nHEALTHCHECK --interval=5s CMD [\"/app\", \"-h\"]\n"
            + "ENTRYPOINT [\"/app\"]\nONBUILD COPY . /x\n");
    return List.copyOf(out);
  }

  private static final java.util.concurrent.atomic.AtomicInteger CONVERTED =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final java.util.concurrent.atomic.AtomicInteger REJECTED =
      new java.util.concurrent.atomic.AtomicInteger();

  @AfterContainer
  static void stopWorkerAndCheckCoverage() {
    WORKER.shutdownNow();
    // inputs that all fail in the lexer would not exercise the conversion
    assertThat(CONVERTED.get())
        .as("converted inputs (rejected: %s)", REJECTED)
        .isGreaterThan(10_000);
    assertThat(REJECTED.get()).as("rejected inputs").isGreaterThan(10_000);
  }

  private static ImageConfig resolve(String ref, Platform p) {
    ContainerConfig cfg =
        ContainerConfig.EMPTY.withEnv(List.of("PATH=/bin")).withCmd(List.of("sh"));
    if (ref.contains("b")) {
      cfg = cfg.withOnBuild(List.of("RUN echo onbuild", "COPY x /y"));
    }
    return new ImageConfig(null, null, p.architecture(), p.os(), null, cfg, null, null);
  }

  /** Converts with a time limit; fails on anything but a result or a positioned typed error. */
  static void check(String dockerfile) {
    Future<BuildDefinition> f =
        WORKER.submit(
            () ->
                DockerfileFrontend.convert(
                    ConvertRequest.builder(dockerfile, DockerfileFuzzTest::resolve)
                        .targetPlatform(Platform.parse("linux/amd64"))
                        .buildPlatform(Platform.parse("linux/amd64"))
                        .buildArg("X", "v")
                        .build()));
    try {
      BuildDefinition d = f.get(5, TimeUnit.SECONDS);
      assertThat(d.root()).isNotNull();
      CONVERTED.incrementAndGet();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (!(cause instanceof DockerfileException de)) {
        throw new AssertionError("untyped failure for input:\n" + dockerfile, cause);
      }
      assertThat(de.position().line()).as(de.getMessage()).isPositive();
      assertThat(de.position().column()).as(de.getMessage()).isPositive();
      assertThat(de.getMessage()).startsWith("Dockerfile:");
      REJECTED.incrementAndGet();
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError("conversion did not finish in 5 s for input:\n" + dockerfile);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Property(tries = 60_000, shrinking = ShrinkingMode.BOUNDED)
  void randomDockerfiles(@ForAll("random") String dockerfile) {
    check(dockerfile);
  }

  @Property(tries = 60_000, shrinking = ShrinkingMode.BOUNDED)
  void mutatedDockerfiles(@ForAll("mutated") String dockerfile) {
    check(dockerfile);
  }

  @Provide
  Arbitrary<String> random() {
    Arbitrary<String> token = Arbitraries.of(TOKENS);
    // mostly well-formed instruction starts, so that inputs get past the lexer into conversion
    Arbitrary<String> keyword =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(9, Arbitraries.of(java.util.Arrays.copyOf(TOKENS, 20))),
            net.jqwik.api.Tuple.of(1, token));
    Arbitrary<String> line =
        Combinators.combine(keyword, token.list().ofMaxSize(8))
            .as((k, l) -> k + " " + String.join(" ", l) + "\n");
    return line.list().ofMinSize(1).ofMaxSize(12).map(l -> "FROM b\n" + String.join("", l));
  }

  @Provide
  Arbitrary<String> mutated() {
    return Combinators.combine(
            Arbitraries.integers().between(0, CORPUS.size() - 1),
            Arbitraries.longs(),
            Arbitraries.integers().between(1, 6))
        .as((i, seed, n) -> mutate(CORPUS.get(i), new Random(seed), n));
  }

  static String mutate(String text, Random rnd, int mutations) {
    StringBuilder s = new StringBuilder(text);
    for (int m = 0; m < mutations; m++) {
      int pos = s.isEmpty() ? 0 : rnd.nextInt(s.length() + 1);
      switch (rnd.nextInt(6)) {
        case 0 -> s.insert(pos, TOKENS[rnd.nextInt(TOKENS.length)]);
        case 1 -> {
          int end = Math.min(s.length(), pos + 1 + rnd.nextInt(12));
          s.delete(Math.min(pos, end), end);
        }
        case 2 -> {
          if (pos < s.length()) {
            s.setCharAt(pos, "\\`$\"'{}[]#=\n <-:/*".charAt(rnd.nextInt(18)));
          }
        }
        case 3 -> {
          String[] lines = s.toString().split("\n", -1);
          int a = rnd.nextInt(lines.length);
          int b = rnd.nextInt(lines.length);
          String t = lines[a];
          lines[a] = lines[b];
          lines[b] = t;
          s = new StringBuilder(String.join("\n", lines));
        }
        case 4 -> {
          String[] lines = s.toString().split("\n", -1);
          int a = rnd.nextInt(lines.length);
          s.append('\n').append(lines[a]);
        }
        default -> s.setLength(Math.min(s.length(), pos));
      }
    }
    return s.toString();
  }
}
