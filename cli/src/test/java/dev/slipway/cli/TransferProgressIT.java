package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's "progress that moves during long transfers", through the real {@code bin/slipway}: a
 * plain log of a build that copies 100 MB of random bytes from its context and pushes them shows
 * the context arriving, the layer's push moving in several lines to {@code done} with the size the
 * registry has, and a fresh engine's pull of that image moving too.
 */
class TransferProgressIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SIZE = 100_000_000L;
  private static final String SIZE_ = "(\\d+(?:\\.\\d+)?[kMG]?B)";
  private static final Pattern PUSH =
      Pattern.compile(
          "#(\\d+) pushing layer (sha256:[0-9a-f]{64}) "
              + SIZE_
              + " / "
              + SIZE_
              + "(?: \\d+\\.\\ds)?( done)?");
  private static final Pattern PULL =
      Pattern.compile(
          "#(\\d+) (sha256:[0-9a-f]{64}) " + SIZE_ + " / " + SIZE_ + "(?: \\d+\\.\\ds)?( done)?");
  private static final Pattern CONTEXT =
      Pattern.compile("#\\d+ transferring context: " + SIZE_ + "(?: \\d+\\.\\ds)? done");

  @TempDir Path state;
  @TempDir Path freshState;
  @TempDir Path work;

  @Test
  void aPushOfAHundredMegabyteLayerShowsItsBytesMovingAndThePullDoesToo() throws Exception {
    Path context =
        Slipway.context(work.resolve("ctx"), "FROM " + Slipway.BASE + "\nCOPY big /big\n");
    writeRandom(context.resolve("big"));
    String repo = "slipway-test/progress-" + UUID.randomUUID().toString().substring(0, 8);
    String tag = "127.0.0.1:5000/" + repo + ":1";

    CliRun push =
        new Slipway(state)
            .run(
                "build", "--local", "--progress", "plain", "--push", "-t", tag, context.toString());

    assertThat(push.exitCode()).as(push.toString()).isZero();
    // every progress line in its step's shape
    ProgressOutputIT.parsePlain(
        push.stderrLines().stream().filter(l -> l.isEmpty() || l.startsWith("#")).toList());
    assertThat(push.stderrLines())
        .as("the context's 100 MB arrive")
        .anySatisfy(
            l -> {
              Matcher m = CONTEXT.matcher(l);
              assertThat(m.matches()).isTrue();
              assertThat(m.group(1)).matches("10\\d\\.\\d\\dMB");
            });

    JsonNode manifest = JSON.readTree(get("/v2/" + repo + "/manifests/1"));
    JsonNode big = manifest.path("layers").get(manifest.path("layers").size() - 1);
    String digest = big.path("digest").asText();
    long size = big.path("size").asLong();
    assertThat(size).as("random bytes do not compress").isGreaterThan(SIZE);

    List<Transfer> pushed = transfers(push.stderrLines(), PUSH, digest);
    assertThat(pushed)
        .as("the layer's push, from its first byte to done:\n%s", push.stderr())
        .hasSizeGreaterThanOrEqualTo(3);
    assertProgress(pushed, size);

    // a fresh engine pulls that layer, its bytes moving as they arrive
    Path again = Slipway.context(work.resolve("again"), "FROM " + tag + "\n");
    CliRun pull =
        new Slipway(freshState).run("build", "--local", "--progress", "plain", again.toString());

    assertThat(pull.exitCode()).as(pull.toString()).isZero();
    List<Transfer> pulled = transfers(pull.stderrLines(), PULL, digest);
    assertThat(pulled).as("the layer's pull:\n%s", pull.stderr()).hasSizeGreaterThanOrEqualTo(2);
    assertProgress(pulled, size);
    assertThat(pull.stderr()).contains("pulling " + tag);
  }

  /** A transfer's plain line: bytes so far, of total, done or not. */
  private record Transfer(String current, String total, boolean done) {}

  private static List<Transfer> transfers(List<String> lines, Pattern pattern, String digest) {
    List<Transfer> found = new ArrayList<>();
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.matches() && m.group(2).equals(digest)) {
        found.add(new Transfer(m.group(3), m.group(4), m.group(5) != null));
      }
    }
    return found;
  }

  /** Counts that grow to the layer's real size, and only the last line done. */
  private static void assertProgress(List<Transfer> lines, long size) {
    List<Double> counts = lines.stream().map(t -> bytes(t.current())).toList();
    assertThat(counts).isSorted();
    assertThat(counts.getFirst()).isLessThan(counts.getLast());
    assertThat(lines).extracting(Transfer::total).containsOnly(human(size));
    assertThat(lines.getLast().done()).isTrue();
    assertThat(lines.getLast().current()).isEqualTo(human(size));
    assertThat(lines.subList(0, lines.size() - 1)).noneMatch(Transfer::done);
  }

  /** go-units' decimal size with two decimals, as BuildKit prints it (100.05MB). */
  private static String human(long n) {
    String[] units = {"B", "kB", "MB", "GB"};
    double v = n;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? n + "B" : String.format(Locale.ROOT, "%.2f%s", v, units[u]);
  }

  private static double bytes(String human) {
    Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)([kMG]?)B").matcher(human);
    assertThat(m.matches()).as(human).isTrue();
    double scale =
        switch (m.group(2)) {
          case "k" -> 1e3;
          case "M" -> 1e6;
          case "G" -> 1e9;
          default -> 1;
        };
    return Double.parseDouble(m.group(1)) * scale;
  }

  private static void writeRandom(Path file) throws Exception {
    Random random = new Random(19);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = SIZE; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    }
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:5000" + path))
                    .header(
                        "Accept",
                        "application/vnd.oci.image.manifest.v1+json,"
                            + "application/vnd.docker.distribution.manifest.v2+json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }
}
