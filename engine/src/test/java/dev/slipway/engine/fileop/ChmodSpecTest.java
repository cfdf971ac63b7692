package dev.slipway.engine.fileop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChmodSpecTest {

  @Test
  void octalReplacesAllPermissionBits() {
    assertThat(ChmodSpec.parse("755").apply(04600, false)).isEqualTo(0755);
    assertThat(ChmodSpec.parse("0640").apply(0777, true)).isEqualTo(0640);
    assertThat(ChmodSpec.parse("4755").apply(0644, false)).isEqualTo(04755);
  }

  @Test
  void symbolicFollowsChmod1() {
    assertThat(ChmodSpec.parse("u+x").apply(0644, false)).isEqualTo(0744);
    assertThat(ChmodSpec.parse("g-w,o=r").apply(0666, false)).isEqualTo(0644);
    assertThat(ChmodSpec.parse("+x").apply(0600, false)).isEqualTo(0711);
    assertThat(ChmodSpec.parse("a+X").apply(0644, false)).isEqualTo(0644);
    assertThat(ChmodSpec.parse("a+X").apply(0644, true)).isEqualTo(0755);
    assertThat(ChmodSpec.parse("a+X").apply(0744, false)).isEqualTo(0755);
    assertThat(ChmodSpec.parse("u+s").apply(0755, false)).isEqualTo(04755);
    assertThat(ChmodSpec.parse("o+t").apply(0777, true)).isEqualTo(01777);
    assertThat(ChmodSpec.parse("go=u").apply(0750, false)).isEqualTo(0777);
    assertThat(ChmodSpec.parse("u=rw,go=").apply(0777, false)).isEqualTo(0600);
  }

  @Test
  void invalidValuesAreRejectedWithAHint() {
    assertThat(ChmodSpec.parse(null)).isNull();
    assertThatThrownBy(() -> ChmodSpec.parse("888"))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("octal");
    assertThatThrownBy(() -> ChmodSpec.parse("u+q")).isInstanceOf(FileOpException.class);
  }
}
