package dev.slipway.engine.solver;

import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code FROM image}: resolves the image, then unpacks each layer into a committed snapshot named
 * by its chain ID (the digest of all layers up to it), so images that share base layers share their
 * snapshots and a layer is never unpacked twice.
 */
final class ImageSourceRunner implements OpRunner<SourceOp.Image> {
  private final BaseImages images;
  private final ContentStore content;
  private final Snapshotter snapshots;
  private final Map<String, Image> resolved = new ConcurrentHashMap<>();
  private final Map<String, Object> unpackLocks = new ConcurrentHashMap<>();

  ImageSourceRunner(BaseImages images, ContentStore content, Snapshotter snapshots) {
    this.images = images;
    this.content = content;
    this.snapshots = snapshots;
  }

  @Override
  public boolean startsWhileKeying() {
    return true;
  }

  @Override
  public boolean indexed() {
    return false;
  }

  @Override
  public String runtimeKey(SourceOp.Image v, List<SolvedVertex> inputs, SolveJob job)
      throws BuildFailedException, IOException {
    Image image =
        images
            .resolvePinned(
                v.resolvedName(),
                v.platform(),
                job.pull(),
                job.registries(),
                job.progress().transfers(v))
            .image();
    String key = "image:" + image.descriptor().digest() + "@" + v.platform();
    resolved.put(key, image);
    return key;
  }

  @Override
  public SolvedVertex execute(SourceOp.Image v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    Image image = resolved.get(key);
    List<Descriptor> layers = image.layers();
    List<String> diffIds = image.config().rootfs().diffIds();
    if (layers.size() != diffIds.size()) {
      throw new IOException(
          "image "
              + v.ref()
              + " is inconsistent: "
              + layers.size()
              + " layers but "
              + diffIds.size()
              + " diff_ids in its configuration");
    }
    String parent = null;
    String chain = null;
    boolean allPresent = true;
    for (int i = 0; i < layers.size(); i++) {
      chain = chain == null ? diffIds.get(i) : sha256(chain + " " + diffIds.get(i));
      String snapshotKey = "layer-" + chain.replace("sha256:", "");
      job.lease().hold(snapshotKey);
      synchronized (unpackLocks.computeIfAbsent(snapshotKey, k -> new Object())) {
        if (snapshots.get(snapshotKey).isEmpty()) {
          allPresent = false;
          job.cancellation().throwIfCancelled();
          try (InputStream tar =
              LayerCompression.decompress(content.open(layers.get(i).digest()))) {
            snapshots.applyLayer(snapshotKey, parent, tar);
          }
        }
      }
      parent = snapshotKey;
    }
    return new SolvedVertex(key, parent, image, allPresent);
  }

  private static String sha256(String text) {
    return Digest.of(text.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
