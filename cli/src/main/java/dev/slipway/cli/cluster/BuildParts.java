package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.PlatformBuildStatus;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The per-platform parts of a multi-platform BuildRequest ({@code status.platforms}): whether the
 * operator split it into child BuildRequests, and one line each time a part's phase, Builder or
 * digest changes, prefixed by its platform.
 */
public final class BuildParts implements Consumer<BuildRequest> {
  private final PrintStream out;
  private final Map<String, String> last = new HashMap<>();

  BuildParts(PrintStream out) {
    this.out = out;
  }

  /** The request's parts, or none before the operator wrote them (or for one platform). */
  public static List<PlatformBuildStatus> of(BuildRequest request) {
    return request.getStatus() == null || request.getStatus().getPlatforms() == null
        ? List.of()
        : request.getStatus().getPlatforms();
  }

  /**
   * Whether the operator split the request into child BuildRequests, one per platform: its status
   * mirrors the children's, and it runs on a pod of its own only to assemble their index. Only a
   * request without a client context is split (one made with kubectl, not by this CLI's build).
   */
  static boolean split(BuildRequest request) {
    return of(request).stream().anyMatch(p -> p.getBuildRequest() != null);
  }

  @Override
  public void accept(BuildRequest request) {
    for (PlatformBuildStatus part : of(request)) {
      String line = describe(part);
      if (!line.equals(last.put(Objects.toString(part.getPlatform()), line))) {
        out.println(line);
      }
    }
  }

  /** E.g. {@code [linux/arm64] Running on Builder arm (emulated), BuildRequest app-linux-arm64}. */
  static String describe(PlatformBuildStatus part) {
    StringBuilder line =
        new StringBuilder("[")
            .append(part.getPlatform())
            .append("] ")
            .append(part.getPhase() == null ? "Pending" : part.getPhase().wireName());
    if (part.getBuilder() != null) {
      line.append(" on Builder ").append(part.getBuilder());
      if (part.getNativeBuild() != null) {
        line.append(part.getNativeBuild() ? " (native)" : " (emulated)");
      }
    }
    if (part.getBuildRequest() != null) {
      line.append(", BuildRequest ").append(part.getBuildRequest());
    }
    if (part.getDigest() != null) {
      line.append(": ").append(part.getDigest());
    }
    return line.toString();
  }
}
