package dev.slipway.engine.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockFilesTest {

  @Test
  void npmLockfileV3WithScopes() {
    String lock =
        """
        {"lockfileVersion": 3, "packages": {
          "": {"name": "app", "version": "1.0.0"},
          "node_modules/left-pad": {"version": "1.3.0"},
          "node_modules/@types/node": {"version": "20.1.0"},
          "node_modules/a/node_modules/b": {"version": "2.0.0"}}}
        """;
    List<FoundPackage> found = LockFiles.parse("app/package-lock.json", lock, new ArrayList<>());
    assertThat(found)
        .extracting(FoundPackage::purl)
        .containsExactly(
            "pkg:npm/left-pad@1.3.0", "pkg:npm/%40types/node@20.1.0", "pkg:npm/b@2.0.0");
  }

  @Test
  void cargoAndPoetryLocks() {
    String cargo =
        """
        version = 3

        [[package]]
        name = "serde"
        version = "1.0.200"
        source = "registry+https://github.com/rust-lang/crates.io-index"

        [[package]]
        name = "app"
        version = "0.1.0"
        """;
    assertThat(LockFiles.parse("src/Cargo.lock", cargo, new ArrayList<>()))
        .extracting(FoundPackage::purl)
        .containsExactly("pkg:cargo/serde@1.0.200", "pkg:cargo/app@0.1.0");
    String poetry = "[[package]]\nname = \"requests\"\nversion = \"2.32.3\"\n";
    assertThat(LockFiles.parse("poetry.lock", poetry, new ArrayList<>()))
        .extracting(FoundPackage::purl)
        .containsExactly("pkg:pypi/requests@2.32.3");
  }

  @Test
  void requirementsTakeExactPinsOnly() {
    String req =
        "# comment\nflask==3.0.3\nrequests>=2\nuvicorn[standard]==0.30.1 ; python_version>'3'\n";
    assertThat(LockFiles.parse("requirements.txt", req, new ArrayList<>()))
        .extracting(FoundPackage::name, FoundPackage::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("flask", "3.0.3"),
            org.assertj.core.groups.Tuple.tuple("uvicorn", "0.30.1"));
  }

  @Test
  void aMalformedLockFileIsAWarningNotACrash() {
    List<String> warnings = new ArrayList<>();
    assertThat(LockFiles.parse("x/package-lock.json", "{not json", warnings)).isEmpty();
    assertThat(LockFiles.parse("Cargo.lock", "[[package]\nname = ", warnings)).isEmpty();
    assertThat(warnings)
        .containsExactly(
            "/x/package-lock.json is not a valid package-lock.json; its packages are not listed",
            "/Cargo.lock is not a valid Cargo.lock; its packages are not listed");
  }
}
