package dev.slipway.session.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.session.v1.Hello;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
  private final SessionRegistry registry = new SessionRegistry();

  @Test
  void aBuildFindsTheSessionItsRequestNames() throws Exception {
    AttachedSession s = session("s1");
    assertThat(registry.attach(s)).isTrue();

    assertThat(registry.await("s1", Duration.ZERO)).containsSame(s);
    assertThat(registry.active()).isEqualTo(1);
  }

  @Test
  void aBuildWaitsForItsSessionToAttach() throws Exception {
    CompletableFuture<Optional<AttachedSession>> found =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return registry.await("late", Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    AttachedSession s = session("late");
    registry.attach(s);

    assertThat(found.get(5, TimeUnit.SECONDS)).containsSame(s);
  }

  @Test
  void aSessionThatNeverAttachesIsAbsentAfterTheWait() throws Exception {
    assertThat(registry.await("never", Duration.ofMillis(20))).isEmpty();
  }

  @Test
  void aLiveSessionKeepsItsIdButALostOneGivesItUp() throws Exception {
    AttachedSession first = session("same");
    AttachedSession second = session("same");
    assertThat(registry.attach(first)).isTrue();
    assertThat(registry.attach(second)).isFalse();

    first.lost("the client closed it");

    assertThat(registry.await("same", Duration.ZERO)).isEmpty();
    assertThat(registry.attach(second)).isTrue();
    assertThat(registry.await("same", Duration.ZERO)).containsSame(second);
  }

  @Test
  void detachingAnOldSessionLeavesItsSuccessor() throws Exception {
    AttachedSession first = session("id");
    registry.attach(first);
    first.lost("gone");
    AttachedSession second = session("id");
    registry.attach(second);

    registry.detach(first);

    assertThat(registry.await("id", Duration.ZERO)).containsSame(second);
  }

  static AttachedSession session(String id) {
    return new AttachedSession(
        Hello.newBuilder().setSessionId(id).build(),
        new OutboundStream(new FakeCallObserver()),
        Duration.ofSeconds(5),
        NO_TRAFFIC);
  }

  static final SessionTraffic NO_TRAFFIC =
      new SessionTraffic() {
        @Override
        public void received(long bytes) {}

        @Override
        public void fileBytes(long bytes) {}
      };
}
