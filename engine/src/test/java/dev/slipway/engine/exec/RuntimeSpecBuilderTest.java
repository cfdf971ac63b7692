package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeSpecBuilderTest {

  private final ExecSpec.Builder spec =
      ExecSpec.builder(Path.of("/rootfs"), List.of("/bin/sh", "-c", "true"));

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isObject() ? n.path("type").asText() : n.asText()));
    return out;
  }

  @Test
  void hostNetworkSharesTheNetworkNamespace() {
    JsonNode spec = new RuntimeSpecBuilder(this.spec.build()).build();

    assertThat(texts(spec.at("/linux/namespaces")))
        .containsExactlyInAnyOrder("pid", "ipc", "uts", "mount");
  }

  @Test
  void networkNoneGetsItsOwnNamespace() {
    JsonNode spec = new RuntimeSpecBuilder(this.spec.network(NetworkMode.NONE).build()).build();

    assertThat(texts(spec.at("/linux/namespaces"))).contains("network");
  }

  @Test
  void processFollowsBuildKitDefaults() {
    JsonNode spec =
        new RuntimeSpecBuilder(this.spec.env("A=1").cwd("/src").build())
            .user(new ResolvedUser(1000, 1000, List.of(2000)))
            .build();

    JsonNode process = spec.path("process");
    assertThat(process.path("noNewPrivileges").asBoolean(false)).isTrue();
    assertThat(process.path("terminal").asBoolean(true)).isFalse();
    assertThat(process.at("/user/uid").asInt()).isEqualTo(1000);
    assertThat(texts(process.at("/user/additionalGids"))).containsExactly("2000");
    assertThat(process.path("cwd").asText()).isEqualTo("/src");
    assertThat(texts(process.path("env")))
        .containsExactly(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1");
    assertThat(texts(process.at("/capabilities/bounding")))
        .containsExactlyElementsOf(RuntimeSpecBuilder.DEFAULT_CAPABILITIES)
        .doesNotContain("CAP_SYS_ADMIN");
    assertThat(texts(spec.at("/linux/maskedPaths"))).contains("/proc/kcore", "/sys/firmware");
    assertThat(texts(spec.at("/linux/readonlyPaths"))).contains("/proc/sys");
  }

  @Test
  void aSandboxedStepGetsTheSeccompFilterAndReadOnlyKernelSettings() {
    JsonNode spec = new RuntimeSpecBuilder(this.spec.build()).build();

    JsonNode seccomp = spec.at("/linux/seccomp");
    assertThat(seccomp.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(seccomp.path("defaultErrnoRet").asInt()).isEqualTo(1);
    List<String> allowed = texts(seccomp.at("/syscalls/0/names"));
    assertThat(allowed).contains("read", "execve", "openat").doesNotContain("clone", "clone3");
    assertThat(allowed).doesNotContainAnyElementsOf(SeccompProfile.neverAllowed());
    assertThat(texts(spec.at("/linux/readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
    assertThat(mountOptions(spec, "/sys")).contains("ro");
  }

  @Test
  void aPrivilegedStepHasNoFilterNoMaskedPathsAndTheBuildersCapabilities() {
    JsonNode spec = new RuntimeSpecBuilder(this.spec.privileged(true).build()).build();

    assertThat(spec.at("/linux/seccomp").isMissingNode()).isTrue();
    assertThat(spec.at("/linux/maskedPaths").isMissingNode()).isTrue();
    assertThat(spec.at("/linux/readonlyPaths").isMissingNode()).isTrue();
    assertThat(spec.at("/process/noNewPrivileges").asBoolean(true)).isFalse();
    assertThat(texts(spec.at("/process/capabilities/bounding")))
        .containsExactlyElementsOf(RuntimeSpecBuilder.HostCapabilities.BOUNDING);
    assertThat(mountOptions(spec, "/sys")).contains("rw").doesNotContain("ro");
  }

  private static List<String> mountOptions(JsonNode spec, String destination) {
    for (JsonNode m : spec.path("mounts")) {
      if (m.path("destination").asText().equals(destination)) {
        return texts(m.path("options"));
      }
    }
    throw new AssertionError("no mount at " + destination);
  }

  @Test
  void mountVariablesOverrideTheStepsEnvAndAKeptPathIsNotDuplicated() {
    JsonNode spec =
        new RuntimeSpecBuilder(this.spec.env("PATH=/bin").env("SSH_AUTH_SOCK=/old").build())
            .extraEnv(List.of("SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0"))
            .build();

    assertThat(texts(spec.at("/process/env")))
        .containsExactly("PATH=/bin", "SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0");
  }

  @Test
  void standardMountsComeBeforeRunMounts() {
    JsonNode spec =
        new RuntimeSpecBuilder(this.spec.build())
            .mounts(List.of(OciMount.bind("/etc/hosts", "/bundle/hosts", true)))
            .build();

    List<String> destinations = new ArrayList<>();
    spec.path("mounts").forEach(m -> destinations.add(m.path("destination").asText()));
    assertThat(destinations)
        .containsExactly(
            "/proc",
            "/dev",
            "/dev/pts",
            "/dev/shm",
            "/dev/mqueue",
            "/sys",
            "/sys/fs/cgroup",
            "/etc/hosts");
  }
}
