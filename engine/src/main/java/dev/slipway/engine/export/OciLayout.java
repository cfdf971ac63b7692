package dev.slipway.engine.export;

import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.image.Annotations;
import dev.slipway.engine.image.ImageIndex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fixed parts of an OCI image layout: {@code oci-layout} and the top-level index. */
final class OciLayout {
  private OciLayout() {}

  static final byte[] LAYOUT_FILE =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  /**
   * One index entry per name, annotated as BuildKit does (tag in the OCI ref name, the full name
   * for containerd/docker); a single unannotated entry when there are no names.
   */
  static List<Descriptor> entries(Descriptor root, List<String> names) {
    return entries(root, names, Map.of());
  }

  /** The entries, each also carrying {@code annotations} (buildx manifest-descriptor:). */
  static List<Descriptor> entries(
      Descriptor root, List<String> names, Map<String, String> annotations) {
    Descriptor plain = root.withAnnotations(annotations.isEmpty() ? null : annotations);
    if (names.isEmpty()) {
      return List.of(plain);
    }
    List<Descriptor> entries = new ArrayList<>();
    for (String name : names) {
      Descriptor d = plain.withAnnotation(Annotations.CONTAINERD_IMAGE_NAME, name);
      String tag = ImageNames.tag(name);
      entries.add(d.withAnnotation(Annotations.REF_NAME, tag == null ? "latest" : tag));
    }
    return entries;
  }

  static byte[] index(List<Descriptor> entries) {
    return ImageIndex.oci(entries).toJson();
  }
}
