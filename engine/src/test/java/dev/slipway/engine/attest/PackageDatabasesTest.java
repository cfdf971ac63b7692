package dev.slipway.engine.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackageDatabasesTest {

  @Test
  void dpkgListsWhatDpkgQueryListsWithPurls() {
    String status =
        """
        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Version: 2.36-9+deb12u4
        Description: GNU C Library
         continuation line: Version: 9.9

        Package: gone
        Status: purge ok not-installed
        Version: 1.0

        Package: conf-left
        Status: deinstall ok config-files
        Architecture: all
        Version: 3
        """;
    List<String> warnings = new ArrayList<>();
    List<FoundPackage> found =
        PackageDatabases.dpkg(status, "var/lib/dpkg/status", "debian", "debian-12", warnings);
    assertThat(found).extracting(FoundPackage::name).containsExactly("libc6", "conf-left");
    assertThat(found.get(0).version()).isEqualTo("2.36-9+deb12u4");
    assertThat(found.get(0).purl())
        .isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
    assertThat(warnings).isEmpty();
  }

  @Test
  void malformedStanzasAreSkippedWithAWarning() {
    List<String> warnings = new ArrayList<>();
    List<FoundPackage> found =
        PackageDatabases.dpkg(
            "Package: no-version\n\n\u0000\u0001garbage\n\nVersion: 1\n\nPackage: ok\nVersion: 2\n",
            "var/lib/dpkg/status",
            "debian",
            "",
            warnings);
    assertThat(found).extracting(FoundPackage::name).containsExactly("ok");
    assertThat(warnings).hasSize(2).allMatch(w -> w.startsWith("/var/lib/dpkg/status: "));
  }

  @Test
  void apkInstalled() {
    String installed =
        "C:Q1abc=\nP:musl\nV:1.2.5-r1\nA:x86_64\nT:the musl c library\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\n";
    List<String> warnings = new ArrayList<>();
    List<FoundPackage> found =
        PackageDatabases.apk(installed, "lib/apk/db/installed", "alpine-3.20", warnings);
    assertThat(found)
        .extracting(FoundPackage::purl)
        .containsExactly(
            "pkg:apk/alpine/musl@1.2.5-r1?arch=x86_64&distro=alpine-3.20",
            "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20");
  }
}
