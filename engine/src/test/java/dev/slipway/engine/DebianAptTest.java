package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.TestBuild.Recorded;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RUN step installs a package with apt-get from Debian's mirror over the builder's own network.
 * Needs deb.debian.org: run offline with {@code -DexcludedGroups=debian-mirror}.
 */
@Tag("debian-mirror")
class DebianAptTest {
  private static final String BASE = "slipway.test/debian:bookworm-minbase";

  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @Test
  void aptGetInstallsAPackageFromDebiansMirror() throws Exception {
    DebianMinbase.importInto(state, BASE);
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM %s
        RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends hello \\
            && hello > /greeting && rm -rf /var/lib/apt/lists/*
        """
            .formatted(BASE));
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      Recorded build =
          TestBuild.run(
              engine,
              context,
              TestBuild.request().addOutputs(TestBuild.local(out.resolve("rootfs"))).build());

      assertThat(build.events().step("apt-get install").getState())
          .isEqualTo(VertexState.VERTEX_STATE_DONE);
    }
    assertThat(out.resolve("rootfs/greeting")).hasContent("Hello, world!");
    assertThat(out.resolve("rootfs/usr/bin/hello")).isExecutable();
    assertThat(out.resolve("rootfs/var/lib/dpkg/info/hello.list")).exists();
  }
}
