package dev.slipway.engine.attest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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

  /** Bounds the text read across all databases and lock files (each is capped on its own too). */
  static final long MAX_TOTAL_BYTES = 256L << 20;

  static RootfsScan of(Path rootfs) {
    return of(rootfs, MAX_PACKAGES, MAX_TOTAL_BYTES);
  }

  static RootfsScan of(Path rootfs, int maxPackages, long maxTotalBytes) {
    Budget budget = new Budget(new RootfsFiles(rootfs), maxPackages, maxTotalBytes);
    Map<String, String> os = osRelease(budget);
    String id = os.getOrDefault("ID", "");
    String versionId = os.getOrDefault("VERSION_ID", "");
    String distro = id.isEmpty() ? "" : versionId.isEmpty() ? id : id + "-" + versionId;
    String debNamespace = id.isEmpty() ? "debian" : id;
    List<String> warnings = budget.warnings;
    budget.parse(
        "var/lib/dpkg/status",
        t -> PackageDatabases.dpkg(t, "var/lib/dpkg/status", debNamespace, distro, warnings));
    try {
      for (String f : budget.files.list("var/lib/dpkg/status.d")) {
        budget.parse(f, t -> PackageDatabases.dpkg(t, f, debNamespace, distro, warnings));
      }
    } catch (IOException | RuntimeException e) {
      warnings.add("/var/lib/dpkg/status.d could not be listed: " + e.getMessage());
    }
    budget.parse(
        "lib/apk/db/installed",
        t -> PackageDatabases.apk(t, "lib/apk/db/installed", distro, warnings));
    try {
      for (String f : budget.files.find(LockFiles.NAMES)) {
        budget.parse(f, t -> LockFiles.parse(f, t, warnings));
      }
    } catch (IOException | RuntimeException e) {
      warnings.add("the image's lock files could not be searched: " + e.getMessage());
    }
    List<FoundPackage> packages = budget.packages;
    return new RootfsScan(
        id,
        versionId,
        List.copyOf(packages.subList(0, Math.min(packages.size(), maxPackages))),
        List.copyOf(warnings));
  }

  /**
   * Reads and parses files until the package count or the total bytes run out, so a hostile image
   * cannot make the builder hold thousands of large files' packages before the cap applies.
   */
  private static final class Budget {
    final RootfsFiles files;
    final List<String> warnings = new ArrayList<>();
    final List<FoundPackage> packages = new ArrayList<>();
    private final int maxPackages;
    private final long maxTotalBytes;
    private long bytesLeft;
    private boolean exhausted;

    Budget(RootfsFiles files, int maxPackages, long maxTotalBytes) {
      this.files = files;
      this.maxPackages = maxPackages;
      this.maxTotalBytes = maxTotalBytes;
      this.bytesLeft = maxTotalBytes;
    }

    void parse(String name, Function<String, List<FoundPackage>> parser) {
      if (exhausted) {
        return;
      }
      Optional<String> text = read(name);
      if (text.isEmpty()) {
        return;
      }
      packages.addAll(parser.apply(text.get()));
      if (packages.size() >= maxPackages) {
        stop(
            "the image lists more than "
                + maxPackages
                + " packages; the SBOM keeps the first "
                + maxPackages);
      }
    }

    Optional<String> read(String name) {
      if (exhausted) {
        return Optional.empty();
      }
      Optional<String> text = RootfsScan.read(files, name, warnings);
      long size = text.map(t -> (long) t.length()).orElse(0L);
      if (size > bytesLeft) {
        stop(
            "the image's package files exceed "
                + maxTotalBytes
                + " characters in all; /"
                + name
                + " and the files after it were not read");
        return Optional.empty();
      }
      bytesLeft -= size;
      return text;
    }

    private void stop(String warning) {
      exhausted = true;
      warnings.add(warning);
    }
  }

  private static Map<String, String> osRelease(Budget budget) {
    Optional<String> text = budget.read("etc/os-release");
    if (text.isEmpty()) {
      text = budget.read("usr/lib/os-release");
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
