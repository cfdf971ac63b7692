package dev.slipway.cli.request;

import dev.slipway.api.control.v1.Annotation;
import dev.slipway.api.control.v1.AnnotationLevel;
import dev.slipway.cli.usage.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --annotation [TYPE[,TYPE...]:]KEY=VALUE} as buildx writes it: TYPE is manifest (the
 * default), index, manifest-descriptor or index-descriptor. The builder checks keys and values.
 */
final class AnnotationFlag {
  private static final Map<String, AnnotationLevel> LEVELS =
      Map.of(
          "manifest", AnnotationLevel.ANNOTATION_LEVEL_MANIFEST,
          "index", AnnotationLevel.ANNOTATION_LEVEL_INDEX,
          "manifest-descriptor", AnnotationLevel.ANNOTATION_LEVEL_MANIFEST_DESCRIPTOR,
          "index-descriptor", AnnotationLevel.ANNOTATION_LEVEL_INDEX_DESCRIPTOR);

  private AnnotationFlag() {}

  static List<Annotation> parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new UsageException(
          "--annotation "
              + text
              + ": expected [TYPE:]KEY=VALUE, e.g. org.opencontainers.image.title=app");
    }
    String keyPart = text.substring(0, eq);
    String value = text.substring(eq + 1);
    List<AnnotationLevel> levels = new ArrayList<>();
    String key = keyPart;
    int colon = keyPart.indexOf(':');
    if (colon > 0) {
      String types = keyPart.substring(0, colon);
      if (types.contains("[")) {
        throw new UsageException(
            "--annotation "
                + keyPart
                + ": platform-specific annotations are not supported;"
                + " a Slipway build has one platform, drop the [PLATFORM] part");
      }
      boolean allKnown = true;
      for (String t : types.split(",")) {
        allKnown &= LEVELS.containsKey(t);
      }
      if (allKnown) {
        for (String t : types.split(",")) {
          levels.add(LEVELS.get(t));
        }
        key = keyPart.substring(colon + 1);
      } else if (!types.contains(".")) {
        throw new UsageException(
            "--annotation "
                + keyPart
                + ": unknown type "
                + types
                + "; use manifest, index, manifest-descriptor or index-descriptor");
      }
    }
    if (levels.isEmpty()) {
      levels.add(AnnotationLevel.ANNOTATION_LEVEL_MANIFEST);
    }
    List<Annotation> out = new ArrayList<>();
    for (AnnotationLevel level : levels) {
      out.add(Annotation.newBuilder().setLevel(level).setKey(key).setValue(value).build());
    }
    return out;
  }
}
