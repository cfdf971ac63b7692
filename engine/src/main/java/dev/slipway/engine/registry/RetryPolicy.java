package dev.slipway.engine.registry;

import java.time.Duration;

/**
 * How often and how patiently a registry request is tried again after a connection error or a
 * 5xx/429 answer: exponential backoff from {@code firstBackoff}, capped at {@code maxBackoff}, at
 * most {@code attempts} tries in all.
 */
public record RetryPolicy(int attempts, Duration firstBackoff, Duration maxBackoff) {

  /** Rides out a registry restart or a proxy hiccup of a few seconds. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(4));

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("a retry policy needs at least one attempt");
    }
  }

  /** Waits before try number {@code attempt} (1 = the first retry). */
  void pause(int attempt) throws RegistryException {
    long millis =
        Math.min(maxBackoff.toMillis(), firstBackoff.toMillis() << Math.min(attempt - 1, 20));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to retry a registry request", e);
    }
  }

  static boolean retryableStatus(int status) {
    return status == 429 || (status >= 500 && status != 501 && status != 505);
  }
}
