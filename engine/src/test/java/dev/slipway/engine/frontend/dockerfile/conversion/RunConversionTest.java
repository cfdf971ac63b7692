package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.exec.NetworkMode;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.SourceOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RUN graphs: heredoc scripts, mounts, network and security modes. */
class RunConversionTest extends ConversionTestSupport {

  @Test
  void runHeredocsBecomeScriptsOrShellInput() {
    BuildDefinition d =
        convert(
            "FROM a\nRUN <<EOT\necho 1\nEOT\nRUN <<EOT\n#!/bin/bash\necho 2\nEOT\nRUN cat <<EOT > /f\nx\nEOT\n");
    ExecOp stdin = exec(d.root());
    assertThat(stdin.args()).containsExactly("/bin/sh", "-c", "cat <<EOT > /f\nx\nEOT");
    ExecOp shebang = exec(stdin.rootfs());
    assertThat(shebang.args()).containsExactly("/dev/pipes/EOT");
    assertThat(shebang.mounts())
        .singleElement()
        .satisfies(m -> assertThat(m.target()).isEqualTo("/dev/pipes"));
    ExecOp plain = exec(shebang.rootfs());
    assertThat(plain.args()).containsExactly("/bin/sh", "-c", "echo 1\n");
  }

  private BuildDefinition convertEntitled(String dockerfile) {
    return DockerfileFrontend.convert(
        request(dockerfile)
            .insecure(new InsecureEntitlement(true, true))
            .networkHost(true)
            .build());
  }

  /** differential run/network-host-not-allowed and run/network-host-allowed. */
  @Test
  void networkHostNeedsTheEntitlementAtItsLine() {
    assertThatThrownBy(() -> convert("FROM a\nRUN true\nRUN --network=host true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("Dockerfile:3")
        .hasMessageContaining("network.host entitlement")
        .hasMessageContaining("--allow network.host");
    assertThat(exec(convert("FROM a\nRUN --network=none true\n").root()).network())
        .isEqualTo(NetworkMode.NONE);
    assertThat(exec(convertEntitled("FROM a\nRUN --network=host true\n").root()).network())
        .isEqualTo(NetworkMode.HOST);
  }

  @Test
  void insecureWithoutBothSwitchesIsRefusedAtItsLineNamingWhatIsMissing() {
    String dockerfile = "FROM a\nRUN true\nRUN --security=insecure mount -t tmpfs none /mnt\n";
    for (InsecureEntitlement e :
        List.of(
            InsecureEntitlement.DENIED,
            new InsecureEntitlement(true, false),
            new InsecureEntitlement(false, true))) {
      assertThatThrownBy(() -> DockerfileFrontend.convert(request(dockerfile).insecure(e).build()))
          .as(e.toString())
          .isInstanceOfSatisfying(
              DockerfileException.class, x -> assertThat(x.position().line()).isEqualTo(3))
          .hasMessageContaining("security.insecure entitlement")
          .hasMessageContaining(e.requested() ? "the build asks for it" : "does not ask for it")
          .hasMessageContaining(e.builderAllows() ? "the builder allows it" : "does not allow it")
          .hasMessageContaining("--allow security.insecure")
          .hasMessageContaining("--allow-insecure-entitlement");
    }
  }

  @Test
  void runMountsNetworkAndSecurity() {
    BuildDefinition d =
        convertEntitled(
            "FROM a AS dep\nFROM a\nWORKDIR /w\nARG CACHE=/root/.cache\nRUN --mount=type=cache,target=$CACHE,sharing=locked --mount=type=secret,id=tok,env=TOKEN"
                + " --mount=type=bind,from=dep,source=/out,target=rel --mount=type=ssh --mount=type=tmpfs,target=/t,size=10m"
                + " --mount=type=secret,target=/run/s/key --network=host --security=insecure make\n");
    ExecOp run = exec(d.root());
    assertThat(run.network()).isEqualTo(NetworkMode.HOST);
    assertThat(run.security()).isEqualTo(ExecOp.SecurityMode.INSECURE);
    assertThat(run.cwd()).isEqualTo("/w");
    List<ExecOp.Mount> m = run.mounts();
    assertThat(m.get(0).type()).isEqualTo(ExecOp.MountType.CACHE);
    assertThat(m.get(0).target()).isEqualTo("/root/.cache");
    assertThat(m.get(0).cacheId()).isEqualTo("/root/.cache");
    assertThat(m.get(0).sharing()).isEqualTo(ExecOp.CacheSharing.LOCKED);
    assertThat(m.get(0).mode()).isEqualTo(0755);
    assertThat(m.get(1).id()).isEqualTo("tok");
    assertThat(m.get(1).envName()).isEqualTo("TOKEN");
    assertThat(m.get(1).target()).isNull();
    assertThat(m.get(2).target()).isEqualTo("/w/rel");
    assertThat(m.get(2).readonly()).isTrue();
    assertThat(m.get(2).source()).isInstanceOf(SourceOp.Image.class);
    assertThat(m.get(2).sourcePath()).isEqualTo("/out");
    assertThat(m.get(3).id()).isEqualTo("default");
    assertThat(m.get(3).target()).isEqualTo("/run/buildkit/ssh_agent.0");
    assertThat(m.get(4).sizeBytes()).isEqualTo(10L << 20);
    assertThat(m.get(5).id()).isEqualTo("key");
    assertThat(m.get(5).mode()).isEqualTo(0400);
    assertThatThrownBy(() -> convert("FROM a\nRUN --mount=type=bogus,target=/x true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("unsupported mount type");
    assertThatThrownBy(() -> convert("FROM a\nRUN --mount=type=cache,target=/x,color=red true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("unexpected key 'color'");
    assertThatThrownBy(() -> convert("FROM a\nRUN --network=bridge true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("network");
  }

  @Test
  void networkAndSecurityFlagsAreNotExpanded() {
    // BuildKit checks both while parsing, before variables (differential case run-network-flag)
    assertThatThrownBy(() -> convert("FROM a\nARG N=none\nRUN --network=$N true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("unsupported network mode \"$N\"");
    assertThatThrownBy(() -> convert("FROM a\nARG S=sandbox\nRUN --security=$S true\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("unsupported security mode \"$S\"");
  }
}
