package dev.slipway.engine.image;

import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.Platform;
import java.io.IOException;

/** What every archive import checks of the image it found, and how its messages name the file. */
final class ImportChecks {
  private ImportChecks() {}

  static String where(String sourceName) {
    return "image archive " + sourceName;
  }

  static Platform platformOrHost(ImportRequest request) {
    return request.platform() != null ? request.platform() : Platform.host();
  }

  /** Refuses an image whose layers and diff_ids disagree, or that is for another platform. */
  static void checkImage(Image image, String sourceName, ImportRequest request) throws IOException {
    if (image.config().rootfs().diffIds().size() != image.layers().size()) {
      throw new InvalidContentException(
          where(sourceName)
              + ": manifest "
              + image.descriptor().digest()
              + " has "
              + image.layers().size()
              + " layers but its config lists "
              + image.config().rootfs().diffIds().size()
              + " diff_ids");
    }
    Platform wanted = request.platform();
    if (wanted != null && image.config().os() != null && image.config().architecture() != null) {
      Platform actual = image.platform();
      if (!actual.os().equals(wanted.os())
          || !actual.architecture().equals(wanted.architecture())) {
        throw new ImageNotFoundException(
            where(sourceName)
                + " holds a "
                + actual
                + " image, not "
                + wanted
                + "; import an archive for "
                + wanted
                + " or drop the platform");
      }
    }
  }
}
