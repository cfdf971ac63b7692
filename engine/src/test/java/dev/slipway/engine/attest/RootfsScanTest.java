package dev.slipway.engine.attest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsScanTest {
  private static final Path DEBIAN = Path.of("/var/cache/slipway-test/debian-minbase-bookworm.tar");

  @TempDir Path dir;

  @Test
  void symlinksNeverLeadOutOfTheImage() throws IOException {
    Path outside = dir.resolve("outside");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("status"), "Package: host-secret\nVersion: 1\n\n");
    Files.writeString(
        outside.resolve("package-lock.json"), "{\"dependencies\":{\"x\":{\"version\":\"1\"}}}");
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.createDirectories(root.resolve("app"));
    // absolute and relative links to the host's files: resolved inside the image, so missing
    Files.createSymbolicLink(root.resolve("var/lib/dpkg/status"), outside.resolve("status"));
    Files.createSymbolicLink(root.resolve("app/linked"), Path.of("../../outside"));
    Files.createSymbolicLink(root.resolve("lib"), outside);

    RootfsScan scan = RootfsScan.of(root);

    assertThat(scan.packages()).isEmpty();
  }

  @Test
  void parsingStopsWhenTheTotalBytesOrThePackageCountRunOut() throws IOException {
    Path root = dir.resolve("root");
    Path statusD = Files.createDirectories(root.resolve("var/lib/dpkg/status.d"));
    for (String name : List.of("a", "b", "c")) {
      Files.writeString(statusD.resolve(name), "Package: p" + name + "\nVersion: 1\n"); // 25 chars
    }

    RootfsScan byBytes = RootfsScan.of(root, 100, 60);
    RootfsScan byCount = RootfsScan.of(root, 2, 1_000);

    assertThat(byBytes.packages()).extracting(FoundPackage::name).containsExactly("pa", "pb");
    assertThat(byBytes.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("exceed 60 characters", "/var/lib/dpkg/status.d/c");
    assertThat(byCount.packages()).extracting(FoundPackage::name).containsExactly("pa", "pb");
    assertThat(byCount.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("more than 2 packages");
  }

  @Test
  void distrolessStatusDirectoryAndOsRelease() throws IOException {
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("var/lib/dpkg/status.d"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
    Files.writeString(
        root.resolve("var/lib/dpkg/status.d/base"),
        "Package: base-files\nVersion: 12.4\nArchitecture: amd64\n");
    Files.writeString(
        root.resolve("var/lib/dpkg/status.d/tzdata"), "Package: tzdata\nVersion: 2024a-0\n");

    RootfsScan scan = RootfsScan.of(root);

    assertThat(scan.packages())
        .extracting(FoundPackage::purl)
        .containsExactly(
            "pkg:deb/debian/base-files@12.4?arch=amd64&distro=debian-12",
            "pkg:deb/debian/tzdata@2024a-0?distro=debian-12");
    assertThat(scan.warnings()).isEmpty();
  }

  @Test
  void anOversizedDatabaseIsAWarning() throws IOException {
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("lib/apk/db"));
    try (var ch =
        java.nio.channels.FileChannel.open(
            root.resolve("lib/apk/db/installed"),
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), RootfsFiles.MAX_FILE_BYTES + 10);
    }
    RootfsScan scan = RootfsScan.of(root);
    assertThat(scan.packages()).isEmpty();
    assertThat(scan.warnings()).singleElement().asString().contains("/lib/apk/db/installed");
  }

  /** The SBOM lists exactly the packages dpkg-query -W shows in a real Debian root filesystem. */
  @Test
  void debianPackagesMatchDpkgQuery() throws Exception {
    assertThat(DEBIAN).as("made by the engine tests' DebianMinbase").exists();
    Path root = dir.resolve("debian");
    Files.createDirectories(root);
    Command.of("tar", "-xf", DEBIAN.toString(), "-C", root.toString()).run().requireSuccess();
    List<String> expected =
        Command.of("chroot", root.toString(), "dpkg-query", "-W", "-f", "${Package} ${Version}\\n")
            .output()
            .lines()
            .filter(l -> !l.isBlank())
            .sorted()
            .toList();

    RootfsScan scan = RootfsScan.of(root);

    assertThat(expected).hasSizeGreaterThan(50);
    assertThat(scan.packages().stream().map(p -> p.name() + " " + p.version()).sorted().toList())
        .isEqualTo(expected);
    assertThat(scan.osName()).isEqualTo("debian");
  }
}
