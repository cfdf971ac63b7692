package dev.slipway.cli.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.HistoryRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRefsTest {
  private static final List<HistoryRecord> NEWEST_FIRST =
      List.of(record("abc123"), record("abd456"), record("xyz789"));
  private static final String LS = "slipway history ls --local";

  private static HistoryRecord record(String id) {
    return HistoryRecord.newBuilder().setBuildId(id).build();
  }

  @Test
  void offsetsCountFromTheNewest() {
    assertThat(HistoryRefs.resolve(null, NEWEST_FIRST, LS)).isEqualTo("abc123");
    assertThat(HistoryRefs.resolve("^0", NEWEST_FIRST, LS)).isEqualTo("abc123");
    assertThat(HistoryRefs.resolve("^2", NEWEST_FIRST, LS)).isEqualTo("xyz789");
    assertThatThrownBy(() -> HistoryRefs.resolve("^3", NEWEST_FIRST, LS))
        .hasMessageContaining("only 3 finished builds are kept (^0 to ^2)")
        .hasMessageContaining(LS);
    assertThatThrownBy(() -> HistoryRefs.resolve("^x", NEWEST_FIRST, LS))
        .hasMessageContaining("^N with N a number");
  }

  @Test
  void idsAndUniquePrefixes() {
    assertThat(HistoryRefs.resolve("xyz789", NEWEST_FIRST, LS)).isEqualTo("xyz789");
    assertThat(HistoryRefs.resolve("abd", NEWEST_FIRST, LS)).isEqualTo("abd456");
    assertThatThrownBy(() -> HistoryRefs.resolve("ab", NEWEST_FIRST, LS))
        .hasMessageContaining("ab is the start of 2 build ids (abc123, abd456)");
    assertThatThrownBy(() -> HistoryRefs.resolve("nope", NEWEST_FIRST, LS))
        .hasMessageContaining("no finished build nope is kept here; " + LS);
    assertThatThrownBy(() -> HistoryRefs.resolve("^0", List.of(), LS))
        .hasMessageContaining("no finished build is kept here yet");
  }
}
