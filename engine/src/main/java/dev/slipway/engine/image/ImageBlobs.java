package dev.slipway.engine.image;

import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.MediaTypes;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every blob an image (or multi-platform index) consists of, found by walking its documents. */
public final class ImageBlobs {
  private ImageBlobs() {}

  public static Collection<Descriptor> of(ContentStore content, Descriptor root)
      throws IOException {
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    walk(content, root, blobs, 0);
    return blobs.values();
  }

  private static void walk(
      ContentStore content, Descriptor d, Map<Digest, Descriptor> blobs, int depth)
      throws IOException {
    if (blobs.putIfAbsent(d.digest(), d) != null || depth > 4) {
      return;
    }
    if (MediaTypes.isIndex(d.mediaType())) {
      ImageIndex index = ImageIndex.parse(content.read(d.digest()), "image index " + d.digest());
      for (Descriptor child : index.manifests()) {
        if (content.exists(child.digest())) { // indexes may list platforms not held locally
          walk(content, child, blobs, depth + 1);
        }
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Manifest m = Manifest.parse(content.read(d.digest()), "manifest " + d.digest());
      blobs.putIfAbsent(m.config().digest(), m.config());
      for (Descriptor layer : m.layers()) {
        if (!MediaTypes.isForeignLayer(layer.mediaType()) || content.exists(layer.digest())) {
          blobs.putIfAbsent(layer.digest(), layer);
        }
      }
    }
  }
}
