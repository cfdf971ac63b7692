package dev.slipway.engine.attest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the SBOM lists of one image's root filesystem: its operating system, its dpkg and apk
 * packages, and the language packages of its lock files. Problems (an oversized or malformed file)
 * are warnings: an SBOM that misses a database is still worth having, a crash is not.
 *
 * <p>rpm is not read: modern rpm keeps its database in SQLite ({@code rpmdb.sqlite}) with packed
 * binary headers, and no maintained Java reader of those headers exists to reuse.
 */
record RootfsScan(
    String osName, String osVersion, List<FoundPackage> packages, List<String> warnings) {

  /** Bounds the SBOM document (and the heap it takes) whatever the image holds. */
  static final int MAX_PACKAGES = 100_000;

  static RootfsScan of(Path rootfs) {
    RootfsFiles files = new RootfsFiles(rootfs);
    List<String> warnings = new ArrayList<>();
    List<FoundPackage> packages = new ArrayList<>();
    Map<String, String> os = osRelease(files, warnings);
    String id = os.getOrDefault("ID", "");
    String versionId = os.getOrDefault("VERSION_ID", "");
    String distro = id.isEmpty() ? "" : versionId.isEmpty() ? id : id + "-" + versionId;
    String debNamespace = id.isEmpty() ? "debian" : id;
    read(files, "var/lib/dpkg/status", warnings)
        .ifPresent(
            t ->
                packages.addAll(
                    PackageDatabases.dpkg(
                        t, "var/lib/dpkg/status", debNamespace, distro, warnings)));
    try {
      for (String f : files.list("var/lib/dpkg/status.d")) {
        read(files, f, warnings)
            .ifPresent(
                t -> packages.addAll(PackageDatabases.dpkg(t, f, debNamespace, distro, warnings)));
      }
    } catch (IOException | RuntimeException e) {
      warnings.add("/var/lib/dpkg/status.d could not be listed: " + e.getMessage());
    }
    read(files, "lib/apk/db/installed", warnings)
        .ifPresent(
            t ->
                packages.addAll(PackageDatabases.apk(t, "lib/apk/db/installed", distro, warnings)));
    try {
      for (String f : files.find(LockFiles.NAMES)) {
        read(files, f, warnings).ifPresent(t -> packages.addAll(LockFiles.parse(f, t, warnings)));
      }
    } catch (IOException | RuntimeException e) {
      warnings.add("the image's lock files could not be searched: " + e.getMessage());
    }
    if (packages.size() > MAX_PACKAGES) {
      warnings.add(
          "the image lists "
              + packages.size()
              + " packages; the SBOM keeps the first "
              + MAX_PACKAGES);
    }
    return new RootfsScan(
        id,
        versionId,
        List.copyOf(packages.subList(0, Math.min(packages.size(), MAX_PACKAGES))),
        List.copyOf(warnings));
  }

  private static Map<String, String> osRelease(RootfsFiles files, List<String> warnings) {
    Optional<String> text = read(files, "etc/os-release", warnings);
    if (text.isEmpty()) {
      text = read(files, "usr/lib/os-release", warnings);
    }
    Map<String, String> out = new java.util.HashMap<>();
    for (var stanza : PackageDatabases.stanzas(text.orElse(""), '=')) {
      stanza.forEach((k, v) -> out.put(k, v.replaceAll("^\"|\"$", "")));
    }
    return out;
  }

  private static Optional<String> read(RootfsFiles files, String name, List<String> warnings) {
    try {
      return files.read(name);
    } catch (IOException | RuntimeException e) {
      warnings.add("/" + name + " was not read: " + e.getMessage());
      return Optional.empty();
    }
  }
}
