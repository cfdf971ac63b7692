package dev.slipway.session.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.Ping;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutboundStreamTest {
  private final FakeCallObserver call = new FakeCallObserver();
  private final OutboundStream out = new OutboundStream(call);

  @Test
  void sendsAtOnceWhileTheTransportIsReady() throws Exception {
    assertThat(out.send(ping(1), Duration.ofSeconds(1))).isTrue();
    assertThat(call.sent).containsExactly(ping(1));
  }

  @Test
  void waitsWhileTheTransportIsFullAndSendsWhenItDrains() throws Exception {
    call.ready = false;
    CompletableFuture<Boolean> sent =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.send(ping(2), Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100);
    assertThat(sent).isNotDone();
    assertThat(call.sent).isEmpty();

    call.becomeReady();

    assertThat(sent.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(call.sent).containsExactly(ping(2));
  }

  @Test
  void givesUpAfterItsPatienceWhenTheTransportStaysFull() throws Exception {
    call.ready = false;
    assertThat(out.send(ping(3), Duration.ofMillis(50))).isFalse();
    assertThat(call.sent).isEmpty();
  }

  @Test
  void aClosedStreamSendsNothingAndWakesItsWaiters() throws Exception {
    call.ready = false;
    CompletableFuture<Boolean> sent =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.send(ping(4), Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    out.closed();

    assertThat(sent.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(out.isClosed()).isTrue();
    assertThat(out.send(ping(5), Duration.ofSeconds(1))).isFalse();
    assertThat(call.sent).isEmpty();
  }

  @Test
  void failingEndsTheCallOnceAndCompletingAfterwardsDoesNothing() {
    out.fail(Status.UNAVAILABLE.withDescription("dropped"));
    out.fail(Status.UNAVAILABLE.withDescription("again"));
    out.complete();

    assertThat(call.errors).isEqualTo(1);
    assertThat(Status.fromThrowable(call.error).getDescription()).isEqualTo("dropped");
    assertThat(call.completed).isFalse();
  }

  private static BuilderMessage ping(long nonce) {
    return BuilderMessage.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build();
  }
}
