package dev.slipway.session;

import dev.slipway.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** This module's packages depend on each other one way, in its main classes and in its tests. */
class PackageCyclesTest {
  @Test
  void packagesHaveNoCycles() {
    PackageCycles.assertNone(Path.of("target/classes"), Path.of("target/test-classes"));
  }
}
