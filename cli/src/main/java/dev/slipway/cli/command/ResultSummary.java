package dev.slipway.cli.command;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.PlatformResult;
import java.io.PrintStream;

/**
 * The lines after a build that wrote an image index: its digest, then each platform's manifest
 * digest (and its attestation manifest's), so a person can pull one part by digest. A single image
 * adds nothing: the progress already names its digest.
 */
final class ResultSummary {
  private ResultSummary() {}

  static void print(PrintStream out, BuildResult result) {
    if (!BuildMetadata.isIndex(result) || result.getImageDigest().isEmpty()) {
      return;
    }
    out.println(
        "image index "
            + result.getImageDigest()
            + " ("
            + result.getPlatformsCount()
            + (result.getPlatformsCount() == 1 ? " platform)" : " platforms)"));
    int width =
        result.getPlatformsList().stream().mapToInt(p -> p.getPlatform().length()).max().orElse(0);
    for (PlatformResult p : result.getPlatformsList()) {
      out.println(
          "  "
              + String.format("%-" + width + "s", p.getPlatform())
              + " "
              + p.getDigest()
              + (p.getAttestationDigest().isEmpty()
                  ? ""
                  : " (attestations " + p.getAttestationDigest() + ")"));
    }
    out.flush();
  }
}
