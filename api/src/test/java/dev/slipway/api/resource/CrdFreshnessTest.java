package dev.slipway.api.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs checked in under crds/ and the Helm chart are exactly what the build generates from the
 * model classes. When this fails, run: {@code ./mvnw -pl api process-classes -Pupdate-crds}.
 */
class CrdFreshnessTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final String HOW_TO_FIX =
      " is stale: run ./mvnw -pl api process-classes -Pupdate-crds and commit the result";

  @ParameterizedTest
  @ValueSource(strings = {"builders.slipway.dev", "buildrequests.slipway.dev"})
  void checkedInCrdsMatchTheModel(String crd) throws Exception {
    String generated = Files.readString(GENERATED.resolve(crd + "-v1.yml"));
    for (Path copy :
        new Path[] {
          REPO.resolve("crds/" + crd + ".yaml"),
          REPO.resolve("deploy/helm/slipway/crds/" + crd + ".yaml")
        }) {
      assertThat(copy).as(copy + HOW_TO_FIX).exists();
      assertThat(Files.readString(copy))
          .as(REPO.relativize(copy) + HOW_TO_FIX)
          .isEqualTo(generated);
    }
  }
}
