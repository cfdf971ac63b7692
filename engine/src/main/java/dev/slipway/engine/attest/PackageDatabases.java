package dev.slipway.engine.attest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The system package databases of an image: dpkg's {@code status} (and distroless' {@code
 * status.d/*}, the same format) and apk's {@code installed}. Both are RFC 822-like stanzas
 * separated by blank lines; a stanza without a name or version is skipped with a warning, never
 * failing the build.
 */
final class PackageDatabases {
  private PackageDatabases() {}

  /**
   * The packages of a dpkg status file that dpkg-query -W lists (every state but not-installed).
   *
   * @param distro the os-release {@code ID-VERSION_ID} for the purl's distro qualifier, or ""
   */
  static List<FoundPackage> dpkg(
      String text, String location, String namespace, String distro, List<String> warnings) {
    List<FoundPackage> found = new ArrayList<>();
    for (Map<String, String> s : stanzas(text, ':')) {
      String name = s.getOrDefault("Package", "");
      String version = s.getOrDefault("Version", "");
      String status = s.getOrDefault("Status", "install ok installed");
      if (name.isEmpty() || version.isEmpty()) {
        warnings.add("/" + location + ": a stanza without Package or Version was skipped");
        continue;
      }
      if (status.endsWith(" not-installed")) {
        continue;
      }
      String arch = s.getOrDefault("Architecture", "");
      found.add(
          new FoundPackage(
              "deb",
              name,
              version,
              Purls.of("deb", namespace, name, version, Map.of("arch", arch, "distro", distro)),
              location));
    }
    return found;
  }

  /** The packages of apk's {@code lib/apk/db/installed} (P: name, V: version, A: arch). */
  static List<FoundPackage> apk(
      String text, String location, String distro, List<String> warnings) {
    List<FoundPackage> found = new ArrayList<>();
    for (Map<String, String> s : stanzas(text, ':')) {
      String name = s.getOrDefault("P", "");
      String version = s.getOrDefault("V", "");
      if (name.isEmpty() || version.isEmpty()) {
        warnings.add("/" + location + ": a package without P: or V: was skipped");
        continue;
      }
      found.add(
          new FoundPackage(
              "apk",
              name,
              version,
              Purls.of(
                  "apk",
                  "alpine",
                  name,
                  version,
                  Map.of("arch", s.getOrDefault("A", ""), "distro", distro)),
              location));
    }
    return found;
  }

  /**
   * Stanzas of {@code Key<sep> value} lines; continuation lines (starting with a blank) belong to
   * the field before and are dropped, as no field read here spans lines.
   */
  static List<Map<String, String>> stanzas(String text, char sep) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          out.add(current);
          current = new LinkedHashMap<>();
        }
        continue;
      }
      if (line.startsWith(" ") || line.startsWith("\t")) {
        continue;
      }
      int i = line.indexOf(sep);
      if (i > 0) {
        current.putIfAbsent(line.substring(0, i).trim(), line.substring(i + 1).trim());
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
