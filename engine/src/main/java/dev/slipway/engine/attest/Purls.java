package dev.slipway.engine.attest;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Map;
import java.util.TreeMap;

/** Package URLs (purl spec) of what the SBOM lists, written by the reference library. */
final class Purls {
  private Purls() {}

  /** The purl, or empty when the name is not one the purl spec accepts (then none is listed). */
  static String of(
      String type, String namespace, String name, String version, Map<String, String> qualifiers) {
    try {
      TreeMap<String, String> q = new TreeMap<>();
      qualifiers.forEach(
          (k, v) -> {
            if (v != null && !v.isEmpty()) {
              q.put(k, v);
            }
          });
      return new PackageURL(type, namespace, name, version.isEmpty() ? null : version, q, null)
          .canonicalize();
    } catch (MalformedPackageURLException | RuntimeException e) {
      return "";
    }
  }
}
