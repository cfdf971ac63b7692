package dev.slipway.engine.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seccomp filter of every sandboxed RUN step, in the OCI runtime spec's {@code linux.seccomp}
 * form. The rules live in {@code seccomp-default.json} next to this class (an allowlist written
 * after the container runtimes' default profile); this class picks the host architecture's and
 * kernel's entries out of it.
 */
final class SeccompProfile {

  private static final String RESOURCE = "seccomp-default.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode RULES = load();

  private SeccompProfile() {}

  /** The filter for this host: its architecture (from {@code os.arch}) and kernel version. */
  static ObjectNode forHost() {
    return of(goArch(System.getProperty("os.arch")), System.getProperty("os.version"));
  }

  /**
   * The filter for an architecture (Go names: amd64, arm64) and a kernel release ({@code uname
   * -r}). On an architecture the profile has no entries for, the filter still applies to the native
   * one: the runtime fills it in when {@code architectures} is empty.
   */
  static ObjectNode of(String arch, String kernelRelease) {
    ObjectNode seccomp = JSON.createObjectNode();
    seccomp.put("defaultAction", "SCMP_ACT_ERRNO");
    seccomp.put("defaultErrnoRet", RULES.path("denyErrno").asInt());
    ArrayNode arches = seccomp.putArray("architectures");
    RULES.path("architectures").path(arch).forEach(arches::add);
    ArrayNode syscalls = seccomp.putArray("syscalls");
    ObjectNode allow = syscalls.addObject();
    ArrayNode names = allow.putArray("names");
    allowed(arch, kernelRelease).forEach(names::add);
    allow.put("action", "SCMP_ACT_ALLOW");
    for (JsonNode rule : RULES.path("rules")) {
      ObjectNode copy = rule.deepCopy();
      copy.remove("why");
      syscalls.add(copy);
    }
    return seccomp;
  }

  /** Every syscall the profile allows unconditionally on {@code arch} with that kernel. */
  static Set<String> allowed(String arch, String kernelRelease) {
    Set<String> names = new LinkedHashSet<>();
    RULES.path("allow").forEach(group -> group.forEach(n -> names.add(n.asText())));
    RULES.path("allowOnArch").path(arch).forEach(n -> names.add(n.asText()));
    for (Map.Entry<String, JsonNode> e : entries(RULES.path("allowFromKernel"))) {
      if (atLeast(kernelRelease, e.getKey())) {
        e.getValue().forEach(n -> names.add(n.asText()));
      }
    }
    return names;
  }

  /** The syscalls the profile documents as never allowed, each with the reason. */
  static Set<String> neverAllowed() {
    Set<String> names = new LinkedHashSet<>();
    RULES.path("neverAllowed").fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Compares "major.minor" of a kernel release such as {@code 6.1.0-18-amd64}. */
  static boolean atLeast(String release, String minimum) {
    int[] have = majorMinor(release);
    int[] need = majorMinor(minimum);
    return have[0] != need[0] ? have[0] > need[0] : have[1] >= need[1];
  }

  private static int[] majorMinor(String version) {
    String[] parts = version.split("[.-]", 3);
    try {
      return new int[] {
        Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0
      };
    } catch (NumberFormatException e) {
      return new int[] {0, 0}; // an unreadable version gets no kernel-gated syscalls
    }
  }

  private static String goArch(String javaArch) {
    return switch (javaArch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> javaArch;
    };
  }

  private static List<Map.Entry<String, JsonNode>> entries(JsonNode object) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    it.forEachRemaining(out::add);
    return out;
  }

  private static JsonNode load() {
    try (InputStream in = SeccompProfile.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the engine's jar");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
