package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompProfileTest {

  /** What the container runtimes' default profile blocks for a container without extra caps. */
  private static final List<String> RUNTIMES_BLOCK =
      List.of(
          "keyctl",
          "add_key",
          "request_key",
          "bpf",
          "kexec_load",
          "kexec_file_load",
          "init_module",
          "finit_module",
          "delete_module",
          "open_by_handle_at",
          "perf_event_open",
          "userfaultfd",
          "unshare",
          "setns",
          "mount",
          "umount2",
          "pivot_root",
          "swapon",
          "swapoff",
          "reboot",
          "syslog",
          "acct",
          "settimeofday",
          "clock_settime",
          "personality",
          "clone",
          "clone3",
          "io_uring_setup",
          "fsopen",
          "move_mount",
          "open_tree");

  @Test
  void noArchitectureOrKernelAllowsWhatTheRuntimesBlock() {
    for (String arch : List.of("amd64", "arm64", "riscv64")) {
      for (String kernel : List.of("4.4.0", "6.18.44-fc")) {
        assertThat(SeccompProfile.allowed(arch, kernel))
            .as(arch + " " + kernel)
            .doesNotContainAnyElementsOf(RUNTIMES_BLOCK)
            .doesNotContainAnyElementsOf(SeccompProfile.neverAllowed());
      }
    }
  }

  @Test
  void ptraceOnlyFromKernel48WhereItCannotBypassTheFilter() {
    assertThat(SeccompProfile.allowed("amd64", "4.4.0-210-generic")).doesNotContain("ptrace");
    assertThat(SeccompProfile.allowed("amd64", "4.8.0")).contains("ptrace");
    assertThat(SeccompProfile.allowed("amd64", "6.1.0-18-amd64")).contains("ptrace");
    assertThat(SeccompProfile.allowed("amd64", "garbage")).doesNotContain("ptrace");
  }

  @Test
  void architectureEntriesGoOnlyToTheirArchitecture() {
    assertThat(SeccompProfile.allowed("amd64", "6.1"))
        .contains("arch_prctl")
        .doesNotContain("set_tls");
    assertThat(SeccompProfile.allowed("arm64", "6.1"))
        .contains("set_tls")
        .doesNotContain("arch_prctl");
    assertThat(texts(SeccompProfile.of("amd64", "6.1").path("architectures")))
        .containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
  }

  @Test
  void conditionalRulesKeepNamespacesAndVsockOut() {
    JsonNode syscalls = SeccompProfile.of("amd64", "6.1").path("syscalls");
    JsonNode clone = rule(syscalls, "clone");
    assertThat(clone.at("/args/0/op").asText()).isEqualTo("SCMP_CMP_MASKED_EQ");
    // every CLONE_NEW* flag: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
    assertThat(clone.at("/args/0/value").asLong())
        .isEqualTo(
            0x00020000L
                | 0x02000000L
                | 0x04000000L
                | 0x08000000L
                | 0x10000000L
                | 0x20000000L
                | 0x40000000L);
    assertThat(rule(syscalls, "clone3").path("errnoRet").asInt()).as("ENOSYS").isEqualTo(38);
    assertThat(rule(syscalls, "socket").at("/args/0/value").asInt()).as("AF_VSOCK").isEqualTo(40);
    syscalls.forEach(r -> assertThat(r.has("why")).isFalse());
  }

  private static JsonNode rule(JsonNode syscalls, String name) {
    for (JsonNode r : syscalls) {
      if (texts(r.path("names")).equals(List.of(name))) {
        return r;
      }
    }
    throw new AssertionError("no rule for " + name);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
