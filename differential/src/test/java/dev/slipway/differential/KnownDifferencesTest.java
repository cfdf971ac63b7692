package dev.slipway.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownDifferencesTest {
  @Test
  void readsTheCaseColumnOfItsSectionOnly(@TempDir Path dir) throws Exception {
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        """
        ## Runtime quirks

        | quirk | where |
        |---|---|
        | `not-a-case` | x |

        ## Known differences

        | case | what differs | whose bug |
        |---|---|---|
        | `arg-scope` | Env | Slipway |
        |  `copy-x`  | rootfs | Slipway |

        ## Later
        | `other` | y | z |
        """);
    assertThat(KnownDifferences.in(readme)).containsExactly("arg-scope", "copy-x");
  }

  @Test
  void theModulesTableParses() throws Exception {
    assertThat(KnownDifferences.in(Path.of("README.md"))).isNotNull();
  }
}
