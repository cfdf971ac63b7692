package dev.slipway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HelloTest {
  @Test
  void aHelloSurvivesTheWire() throws Exception {
    Hello hello =
        new Hello(
            Frames.PROTOCOL,
            "0123456789abcdef",
            List.of("build", "-t", "ünïcode", ""),
            "/home/me/app",
            Map.of("PATH", "/bin", "EMPTY", "", "LONG", "x".repeat(100_000)),
            new Hello.Terminals(false, true, true),
            132);
    assertThat(Hello.decode(hello.encode())).isEqualTo(hello);
  }

  @Test
  void anotherProtocolIsReadNoFurtherThanItsNumber() throws Exception {
    byte[] future = {0, 0, 0, 99, 1, 2, 3};
    assertThat(Hello.decode(future).protocol()).isEqualTo(99);
  }
}
