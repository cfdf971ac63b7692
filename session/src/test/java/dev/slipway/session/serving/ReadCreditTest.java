package dev.slipway.session.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadCreditTest {

  @Test
  void takesNoMoreThanWasGranted() throws Exception {
    ReadCredit credit = new ReadCredit(100);
    assertThat(credit.take(64, Duration.ZERO)).isEqualTo(64);
    assertThat(credit.take(64, Duration.ZERO)).isEqualTo(36);
    credit.giveBack(10);
    assertThat(credit.take(64, Duration.ZERO)).isEqualTo(10);
  }

  @Test
  void waitsForTheBuilderToGrantMore() throws Exception {
    ReadCredit credit = new ReadCredit(0);
    CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> take(credit, 50));
    Thread.sleep(50);
    assertThat(taken).isNotDone();

    credit.grant(20);

    assertThat(taken.get(5, TimeUnit.SECONDS)).isEqualTo(20);
  }

  @Test
  void anAbandonedOrStarvedReadTakesNothing() throws Exception {
    ReadCredit starved = new ReadCredit(0);
    assertThat(starved.take(50, Duration.ofMillis(20))).isZero();

    ReadCredit abandoned = new ReadCredit(0);
    CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> take(abandoned, 50));
    abandoned.abandon();
    assertThat(taken.get(5, TimeUnit.SECONDS)).isZero();
    abandoned.grant(100);
    assertThat(abandoned.take(50, Duration.ZERO)).isZero();
  }

  private static int take(ReadCredit credit, int wanted) {
    try {
      return credit.take(wanted, Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
