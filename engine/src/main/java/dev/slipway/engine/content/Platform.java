package dev.slipway.engine.content;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.slipway.api.PlatformNames;
import java.io.Serializable;
import java.util.Locale;

/**
 * An OCI platform: os/architecture[/variant], e.g. {@code linux/amd64} or {@code linux/arm/v7}. Its
 * JSON form (in descriptors of an image index) follows the OCI field order.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"architecture", "os", "variant"})
public record Platform(
    @JsonProperty("os") String os,
    @JsonProperty("architecture") String architecture,
    @JsonProperty("variant") String variant)
    implements Serializable {

  public Platform {
    if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
      throw new IllegalArgumentException("a platform needs an os and an architecture");
    }
    variant = variant == null ? "" : variant;
  }

  /** Parses {@code os/arch[/variant]}; throws IllegalArgumentException saying what is wrong. */
  public static Platform parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "invalid platform \"" + text + "\": expected os/arch[/variant], e.g. linux/amd64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
  }

  /**
   * This platform in its canonical spelling, as containerd's platform normalization (which buildx
   * and BuildKit use): x86_64 is amd64, aarch64 and arm64/v8 are arm64, arm is arm/v7, so that two
   * spellings of one platform are built once.
   */
  public Platform normalized() {
    String[] archVariant = PlatformNames.normalize(architecture, variant);
    return new Platform(os, archVariant[0], archVariant[1]);
  }

  /** The platform of the running JVM, with Java's architecture names mapped to OCI's. */
  public static Platform host() {
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "x86", "i386", "i686" -> "386";
          case "s390x" -> "s390x";
          case "ppc64le" -> "ppc64le";
          case "riscv64" -> "riscv64";
          default -> System.getProperty("os.arch");
        };
    return new Platform("linux", arch, arch.equals("arm64") ? "v8" : "");
  }

  @Override
  public String toString() {
    return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
