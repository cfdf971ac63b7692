package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.image.HealthConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * HEALTHCHECK: the test command, its durations (Go syntax, at least 1ms) and retries, and the
 * history line Docker writes for it.
 */
final class HealthcheckConverter {

  private final StageContext ctx;

  HealthcheckConverter(StageContext ctx) {
    this.ctx = ctx;
  }

  void healthcheck(Instruction.Healthcheck h) {
    Meta meta = h.meta();
    List<String> test;
    if (h.test() == null) {
      test = List.of("NONE");
    } else if (h.test().json()) {
      test = new ArrayList<>();
      test.add("CMD");
      test.addAll(h.test().args());
    } else {
      test = List.of("CMD-SHELL", h.test().args().get(0));
    }
    long interval = duration("interval", h.interval(), meta);
    long timeout = duration("timeout", h.timeout(), meta);
    long startPeriod = duration("start-period", h.startPeriod(), meta);
    long startInterval = duration("start-interval", h.startInterval(), meta);
    int retries = retries(h.retries(), meta);
    ctx.config(
        ctx.config()
            .withHealthcheck(
                new HealthConfig(test, interval, timeout, startPeriod, startInterval, retries)));
    ctx.history(
        "HEALTHCHECK &{"
            + GoText.quotedList(test)
            + " "
            + GoText.quote(GoText.duration(interval))
            + " "
            + GoText.quote(GoText.duration(timeout))
            + " "
            + GoText.quote(GoText.duration(startPeriod))
            + " '\\x"
            + String.format("%02x", retries & 0xff)
            + "'}",
        true);
  }

  private static int retries(String value, Meta meta) {
    if (value == null) {
      return 0;
    }
    int retries;
    try {
      retries = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new DockerfileException(
          meta.position(), "invalid --retries \"" + value + "\": expected a number");
    }
    if (retries < 0) {
      throw new DockerfileException(meta.position(), "--retries cannot be negative");
    }
    return retries;
  }

  private static long duration(String flag, String value, Meta meta) {
    if (value == null) {
      return 0;
    }
    long nanos;
    try {
      nanos = GoText.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(meta.position(), "--" + flag + ": " + e.getMessage());
    }
    if (nanos != 0 && nanos < 1_000_000) {
      throw new DockerfileException(
          meta.position(), "--" + flag + " \"" + value + "\" cannot be less than 1ms");
    }
    return nanos;
  }
}
