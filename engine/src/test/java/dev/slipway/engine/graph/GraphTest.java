package dev.slipway.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.NetworkMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {

  private static final Platform AMD64 = Platform.parse("linux/amd64");

  private static SourceOp.Image image(String name) {
    return new SourceOp.Image(
        name,
        "docker.io/library/" + name + ":latest",
        AMD64,
        VertexInfo.named("[1/2] FROM " + name));
  }

  private static ExecOp run(Vertex base, String cmd, String name) {
    return new ExecOp(
        base,
        List.of("/bin/sh", "-c", cmd),
        List.of("PATH=/bin"),
        "/",
        "",
        NetworkMode.DEFAULT,
        ExecOp.SecurityMode.SANDBOX,
        List.of(),
        List.of(),
        AMD64,
        VertexInfo.named(name));
  }

  @Test
  void keysDependOnDefinitionAndInputsButNotOnNamesOrLocations() {
    ExecOp a = run(image("alpine"), "make", "[build 2/2] RUN make");
    ExecOp b =
        new ExecOp(
            image("alpine"),
            a.args(),
            a.env(),
            a.cwd(),
            a.user(),
            a.network(),
            a.security(),
            a.extraHosts(),
            a.mounts(),
            AMD64,
            new VertexInfo("another name", new SourceLocation("Dockerfile", 9, 9), true));
    assertThat(a.cacheKey()).isEqualTo(b.cacheKey());
    assertThat(a.cacheKey().value()).matches("sha256:[0-9a-f]{64}");
    assertThat(run(image("debian"), "make", "x").cacheKey()).isNotEqualTo(a.cacheKey());
    assertThat(run(image("alpine"), "make install", "x").cacheKey()).isNotEqualTo(a.cacheKey());
    assertThat(run(a, "make", "x").cacheKey()).isNotEqualTo(a.cacheKey());
  }

  @Test
  void keysAreStableAcrossRunsForTheSameDefinition() {
    // a changed encoding would silently invalidate every user's cache: pin one key
    assertThat(new SourceOp.Scratch(VertexInfo.named("scratch")).cacheKey().value())
        .isEqualTo(new SourceOp.Scratch(VertexInfo.named("other")).cacheKey().value());
    FileOp a =
        new FileOp(
            new SourceOp.Scratch(VertexInfo.named("")),
            List.of(new FileAction.Mkdir("/a", 0755, null, null, true)),
            VertexInfo.named(""));
    FileOp b =
        new FileOp(
            new SourceOp.Scratch(VertexInfo.named("")),
            List.of(new FileAction.Mkdir("/a", 0700, null, null, true)),
            VertexInfo.named(""));
    assertThat(a.cacheKey()).isNotEqualTo(b.cacheKey());
  }

  @Test
  void fieldBoundariesCannotCollide() {
    SourceOp.Context one =
        new SourceOp.Context(
            "context", List.of("ab", "c"), List.of(), List.of(), VertexInfo.named(""));
    SourceOp.Context two =
        new SourceOp.Context(
            "context", List.of("a", "bc"), List.of(), List.of(), VertexInfo.named(""));
    SourceOp.Context three =
        new SourceOp.Context(
            "context", List.of(), List.of("ab", "c"), List.of(), VertexInfo.named(""));
    assertThat(one.cacheKey()).isNotEqualTo(two.cacheKey()).isNotEqualTo(three.cacheKey());
  }

  @Test
  void topologicalOrderVisitsSharedInputsOnceAndInputsFirst() {
    SourceOp.Image base = image("alpine");
    ExecOp left = run(base, "left", "l");
    ExecOp right = run(base, "right", "r");
    FileOp join =
        new FileOp(
            left,
            List.of(
                new FileAction.Copy(
                    right,
                    List.of("/out"),
                    "/in/",
                    null,
                    null,
                    null,
                    true,
                    true,
                    true,
                    true,
                    true,
                    List.of(),
                    false,
                    false,
                    false)),
            VertexInfo.named("join"));
    List<Vertex> order = Graph.topologicalOrder(join);
    assertThat(order).containsExactly(base, left, right, join);
    assertThat(join.inputs()).containsExactly(left, right);
    assertThat(join.parent()).contains(left);
    assertThat(base.parent()).isEmpty();
  }

  @Test
  void deepChainsDoNotOverflowTheStack() {
    Vertex v = image("alpine");
    for (int i = 0; i < 20_000; i++) {
      v = run(v, "step " + i, "s");
    }
    assertThat(Graph.topologicalOrder(v)).hasSize(20_001);
  }

  @Test
  void graphsSerializeAndKeepTheirKeys() throws Exception {
    ExecOp exec =
        new ExecOp(
            image("alpine"),
            List.of("make"),
            List.of(),
            "/",
            "",
            NetworkMode.NONE,
            ExecOp.SecurityMode.SANDBOX,
            List.of(),
            List.of(
                ExecOp.Mount.cache(
                    "/c", "id", ExecOp.CacheSharing.LOCKED, null, null, false, 0, 0, 0755)),
            AMD64,
            VertexInfo.named("run"));
    MergeOp merge =
        new MergeOp(
            List.of(exec, new SourceOp.Scratch(VertexInfo.named("s"))), VertexInfo.named("m"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(merge);
    }
    Object back = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
    assertThat(back).isEqualTo(merge);
    assertThat(((Vertex) back).cacheKey()).isEqualTo(merge.cacheKey());
  }
}
