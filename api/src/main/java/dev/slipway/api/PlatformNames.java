package dev.slipway.api;

import java.util.Locale;

/**
 * The canonical spelling of an {@code os/arch[/variant]} platform, as containerd's normalization
 * (which buildx and BuildKit use) gives it: x86_64 is amd64, aarch64 and arm64/v8 are arm64, arm is
 * arm/v7. The engine, the CLI and the operator all compare platforms through it, so that two
 * spellings of one platform are built once and planned alike.
 */
public final class PlatformNames {

  private PlatformNames() {}

  /** {@code platform} normalized; text that is not {@code os/arch[/variant]} is only trimmed. */
  public static String normalize(String platform) {
    String p = platform.trim().toLowerCase(Locale.ROOT);
    String[] parts = p.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return p;
    }
    String[] archVariant = normalize(parts[1], parts.length == 3 ? parts[2] : "");
    String os = parts[0];
    return archVariant[1].isEmpty()
        ? os + "/" + archVariant[0]
        : os + "/" + archVariant[0] + "/" + archVariant[1];
  }

  /** The canonical {architecture, variant} of an OCI architecture and variant ("" for none). */
  public static String[] normalize(String architecture, String variant) {
    String arch = architecture;
    String v = variant;
    switch (arch) {
      case "x86_64", "x86-64" -> arch = "amd64";
      case "i386", "i486", "i586", "i686" -> arch = "386";
      case "aarch64" -> arch = "arm64";
      case "armhf" -> {
        arch = "arm";
        v = "v7";
      }
      case "armel" -> {
        arch = "arm";
        v = "v6";
      }
      default -> {}
    }
    if (arch.equals("arm64") && (v.equals("v8") || v.equals("8"))) {
      v = "";
    } else if (arch.equals("arm") && v.isEmpty()) {
      v = "v7";
    } else if (arch.equals("arm") && v.matches("[5-8]")) {
      v = "v" + v;
    } else if (arch.equals("amd64") && v.equals("v1")) {
      v = "";
    }
    return new String[] {arch, v};
  }
}
