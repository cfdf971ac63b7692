package dev.slipway.engine.fs;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The extended attributes of one file, name → raw value bytes, sorted by name (so tar headers list
 * them deterministically).
 */
public final class Xattrs {

  public static final Xattrs NONE = new Xattrs(new TreeMap<>());

  private final SortedMap<String, byte[]> values;

  private Xattrs(SortedMap<String, byte[]> values) {
    this.values = values;
  }

  public static Xattrs of(Map<String, byte[]> values) {
    TreeMap<String, byte[]> copy = new TreeMap<>();
    values.forEach((k, v) -> copy.put(k, v.clone()));
    return copy.isEmpty() ? NONE : new Xattrs(copy);
  }

  /**
   * Whether a layer carries this attribute. Kept: {@code user.*}, {@code security.capability} (file
   * capabilities, as BuildKit does) and {@code trusted.*}. Dropped: {@code trusted.overlay.*}
   * (overlayfs bookkeeping of the host; a layer expresses it as whiteouts), other {@code
   * security.*} (host labels such as SELinux/IMA) and {@code system.*} (ACLs, which are file-system
   * specific).
   */
  public static boolean keptInLayers(String name) {
    return name.startsWith("user.")
        || name.equals("security.capability")
        || (name.startsWith("trusted.") && !name.startsWith("trusted.overlay."));
  }

  public Xattrs keptInLayersOnly() {
    TreeMap<String, byte[]> kept = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (keptInLayers(k)) {
            kept.put(k, v);
          }
        });
    return kept.size() == values.size() ? this : kept.isEmpty() ? NONE : new Xattrs(kept);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public SortedMap<String, byte[]> asMap() {
    return Collections.unmodifiableSortedMap(values);
  }

  public byte[] get(String name) {
    byte[] value = values.get(name);
    return value == null ? null : value.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Xattrs other) || !values.keySet().equals(other.values.keySet())) {
      return false;
    }
    return values.entrySet().stream()
        .allMatch(e -> Arrays.equals(e.getValue(), other.values.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    int hash = 0;
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      hash += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return hash;
  }

  @Override
  public String toString() {
    return "Xattrs" + values.keySet();
  }
}
