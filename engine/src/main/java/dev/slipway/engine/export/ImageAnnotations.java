package dev.slipway.engine.export;

import dev.slipway.api.control.v1.Annotation;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The annotations a build asks for (buildx {@code --annotation}), checked and sorted by where they
 * go. They come from a client and end up in manifests others read, so keys are restricted to the
 * characters OCI's reverse-domain keys use, values to printable text, and both in size.
 *
 * @param manifest of each image manifest (it changes the image's digest)
 * @param manifestDescriptor of a manifest's entry in an image index or an OCI layout's {@code
 *     index.json}
 * @param index of the image index a multi-platform build (or one with attestations) writes
 * @param indexDescriptor of that index's entry in an OCI layout's {@code index.json}
 */
public record ImageAnnotations(
    Map<String, String> manifest,
    Map<String, String> manifestDescriptor,
    Map<String, String> index,
    Map<String, String> indexDescriptor) {

  static final int MAX_KEY_CHARS = 256;
  static final int MAX_VALUE_CHARS = 8192;
  static final int MAX_TOTAL_CHARS = 64 * 1024;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/+-]*");

  public static final ImageAnnotations NONE =
      new ImageAnnotations(Map.of(), Map.of(), Map.of(), Map.of());

  public ImageAnnotations {
    manifest = Collections.unmodifiableMap(new TreeMap<>(manifest));
    manifestDescriptor = Collections.unmodifiableMap(new TreeMap<>(manifestDescriptor));
    index = Collections.unmodifiableMap(new TreeMap<>(index));
    indexDescriptor = Collections.unmodifiableMap(new TreeMap<>(indexDescriptor));
  }

  /** Whether some of them can only go on an image index. */
  public boolean needIndex() {
    return !index.isEmpty() || !indexDescriptor.isEmpty();
  }

  /** The error BuildKit gives for index annotations when it writes no index. */
  static String noIndexMessage(String key) {
    return "annotation "
        + key
        + ": index annotations not supported for single platform export; use"
        + " manifest: or manifest-descriptor:, or build several platforms";
  }

  /**
   * The request's annotations.
   *
   * @throws IllegalArgumentException naming the annotation that is refused and why
   */
  public static ImageAnnotations of(List<Annotation> annotations) {
    Map<String, String> manifest = new TreeMap<>();
    Map<String, String> descriptor = new TreeMap<>();
    Map<String, String> index = new TreeMap<>();
    Map<String, String> indexDescriptor = new TreeMap<>();
    long total = 0;
    for (Annotation a : annotations) {
      String key = a.getKey();
      String value = a.getValue();
      if (key.length() > MAX_KEY_CHARS || !KEY.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "annotation key \""
                + printable(key)
                + "\" is not valid: use letters, digits and . _ / + - (at most "
                + MAX_KEY_CHARS
                + " characters), e.g. org.opencontainers.image.source");
      }
      if (value.length() > MAX_VALUE_CHARS) {
        throw new IllegalArgumentException(
            "annotation " + key + ": the value is longer than " + MAX_VALUE_CHARS + " characters");
      }
      if (value.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "annotation " + key + ": the value contains a control character (e.g. a newline)");
      }
      total += key.length() + value.length();
      if (total > MAX_TOTAL_CHARS) {
        throw new IllegalArgumentException(
            "the annotations are longer than " + MAX_TOTAL_CHARS + " characters in all");
      }
      switch (a.getLevel()) {
        case ANNOTATION_LEVEL_MANIFEST -> manifest.put(key, value);
        case ANNOTATION_LEVEL_MANIFEST_DESCRIPTOR -> descriptor.put(key, value);
        case ANNOTATION_LEVEL_INDEX -> index.put(key, value);
        case ANNOTATION_LEVEL_INDEX_DESCRIPTOR -> indexDescriptor.put(key, value);
        default ->
            throw new IllegalArgumentException(
                "annotation " + key + ": unknown level " + a.getLevelValue());
      }
    }
    return new ImageAnnotations(manifest, descriptor, index, indexDescriptor);
  }

  /** For an error message: no control characters, not too long. */
  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
