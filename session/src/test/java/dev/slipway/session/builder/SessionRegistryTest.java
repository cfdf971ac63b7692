package dev.slipway.session.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.session.v1.Hello;
import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.GrantScope;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
  static final Caller ALICE = new Caller("alice", Set.of(GrantScope.BUILD), Optional.empty());
  static final Caller BOB = new Caller("bob", Set.of(GrantScope.BUILD), Optional.empty());

  private final SessionRegistry registry = new SessionRegistry();

  @Test
  void anotherCallerNamingTheSameIdNeverFindsTheSession() throws Exception {
    AttachedSession alices = session(ALICE, "shared-id");
    registry.attach(alices);

    assertThat(registry.claim(BOB, "shared-id", Duration.ofMillis(20))).isEmpty();
    assertThat(registry.claim(ALICE, "shared-id", Duration.ZERO)).containsSame(alices);
  }

  @Test
  void anotherCallerAttachingTheIdFirstGetsItsOwnSessionNotTheOwners() throws Exception {
    AttachedSession bobs = session(BOB, "alices-id");
    AttachedSession alices = session(ALICE, "alices-id");

    assertThat(registry.attach(bobs)).isTrue();
    assertThat(registry.attach(alices)).isTrue();

    assertThat(registry.claim(ALICE, "alices-id", Duration.ZERO)).containsSame(alices);
    assertThat(registry.claim(BOB, "alices-id", Duration.ZERO)).containsSame(bobs);
  }

  @Test
  void aBuildBoundCallerFindsOnlyTheSessionOfItsOwnBuild() throws Exception {
    Caller forBuild1 = new Caller("ns/req", Set.of(GrantScope.BUILD), Optional.of("build-1"));
    Caller forBuild2 = new Caller("ns/req", Set.of(GrantScope.BUILD), Optional.of("build-2"));
    registry.attach(session(forBuild1, "s"));

    assertThat(registry.claim(forBuild2, "s", Duration.ZERO)).isEmpty();
    assertThat(registry.claim(forBuild1, "s", Duration.ZERO)).isPresent();
  }

  @Test
  void aSessionServesOneBuildAtATime() throws Exception {
    AttachedSession s = session(ALICE, "one");
    registry.attach(s);
    assertThat(registry.claim(ALICE, "one", Duration.ZERO)).containsSame(s);

    assertThatThrownBy(() -> registry.claim(ALICE, "one", Duration.ZERO))
        .isInstanceOf(SessionBusyException.class)
        .hasMessageContaining("one build at a time");

    s.release();
    assertThat(registry.claim(ALICE, "one", Duration.ZERO)).containsSame(s);
  }

  @Test
  void aBuildFindsTheSessionItsRequestNames() throws Exception {
    AttachedSession s = session("s1");
    assertThat(registry.attach(s)).isTrue();

    assertThat(registry.claim(ALICE, "s1", Duration.ZERO)).containsSame(s);
    assertThat(registry.active()).isEqualTo(1);
  }

  @Test
  void aBuildWaitsForItsSessionToAttach() throws Exception {
    CompletableFuture<Optional<AttachedSession>> found =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return registry.claim(ALICE, "late", Duration.ofSeconds(10));
              } catch (InterruptedException | SessionBusyException e) {
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
    assertThat(registry.claim(ALICE, "never", Duration.ofMillis(20))).isEmpty();
  }

  @Test
  void aLiveSessionKeepsItsIdButALostOneGivesItUp() throws Exception {
    AttachedSession first = session("same");
    AttachedSession second = session("same");
    assertThat(registry.attach(first)).isTrue();
    assertThat(registry.attach(second)).isFalse();

    first.lost("the client closed it");

    assertThat(registry.claim(ALICE, "same", Duration.ZERO)).isEmpty();
    assertThat(registry.attach(second)).isTrue();
    assertThat(registry.claim(ALICE, "same", Duration.ZERO)).containsSame(second);
  }

  @Test
  void detachingAnOldSessionLeavesItsSuccessor() throws Exception {
    AttachedSession first = session("id");
    registry.attach(first);
    first.lost("gone");
    AttachedSession second = session("id");
    registry.attach(second);

    registry.detach(first);

    assertThat(registry.claim(ALICE, "id", Duration.ZERO)).containsSame(second);
  }

  static AttachedSession session(String id) {
    return session(ALICE, id);
  }

  static AttachedSession session(Caller owner, String id) {
    return new AttachedSession(
        owner,
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
