package dev.slipway.session.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.RequestFailed;
import dev.slipway.api.session.v1.RequestFailure;
import dev.slipway.api.session.v1.SecretRequest;
import dev.slipway.api.session.v1.SecretResponse;
import dev.slipway.session.SessionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Questions to a client, their answers routed back by request id, and the window of a read. */
class SessionRequestTest {
  private final FakeCallObserver call = new FakeCallObserver();
  private final AttachedSession session =
      new AttachedSession(
          SessionRegistryTest.ALICE,
          Hello.newBuilder().setSessionId("s").build(),
          new OutboundStream(call),
          Duration.ofMillis(300),
          SessionRegistryTest.NO_TRAFFIC);

  @Test
  void anAnswerReachesTheQuestionWithItsRequestId() throws Exception {
    try (SessionRequest first = ask("secret \"a\"");
        SessionRequest second = ask("secret \"b\"")) {
      assertThat(call.sent)
          .extracting(BuilderMessage::getRequestId)
          .containsExactly(first.id(), second.id());

      session.received(secretAnswer(second.id(), "B"));
      session.received(secretAnswer(first.id(), "A"));

      assertThat(first.nextAnswer().getSecret().getValue().toStringUtf8()).isEqualTo("A");
      assertThat(second.nextAnswer().getSecret().getValue().toStringUtf8()).isEqualTo("B");
    }
  }

  @Test
  void aFailedAnswerFailsNextAnswerWithTheClientsMessage() throws Exception {
    try (SessionRequest r = ask("secret \"a\"")) {
      session.received(
          ClientMessage.newBuilder()
              .setRequestId(r.id())
              .setFailed(
                  RequestFailed.newBuilder()
                      .setCode(RequestFailure.REQUEST_FAILURE_NOT_FOUND)
                      .setMessage("no such file"))
              .build());

      assertThatThrownBy(r::nextAnswer)
          .isInstanceOf(SessionException.class)
          .hasMessage("the client could not send secret \"a\": no such file");
    }
  }

  @Test
  void aClientThatDoesNotAnswerFailsTheQuestionAfterTheTimeout() throws Exception {
    try (SessionRequest r = ask("the listing of context \"context\"")) {
      assertThatThrownBy(r::next)
          .isInstanceOf(SessionException.class)
          .hasMessageContaining("did not send the listing of context \"context\" within 0 s");
    }
  }

  @Test
  void aLostSessionFailsWaitingAndLaterQuestions() throws Exception {
    SessionRequest waiting = ask("secret \"a\"");
    session.lost("its connection broke: UNAVAILABLE");

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(waiting::next)
          .isInstanceOf(SessionException.class)
          .hasMessageContaining("was lost (its connection broke: UNAVAILABLE)");
    }
    assertThatThrownBy(() -> ask("secret \"b\"")).isInstanceOf(SessionException.class);
    assertThat(session.isLost()).isTrue();
  }

  @Test
  void closedQuestionsGetNoMoreAnswers() throws Exception {
    SessionRequest r = ask("secret \"a\"");
    r.close();
    session.received(secretAnswer(r.id(), "late"));

    assertThatThrownBy(r::next).hasMessageContaining("did not send");
  }

  @Test
  void aReadWindowGrantsCreditEachTimeHalfOfItHasBeenRead() throws Exception {
    try (SessionRequest r = ask("a file")) {
      ReadWindow window = new ReadWindow(session, r, 100);
      call.sent.clear();

      window.consumed(30);
      assertThat(call.sent).isEmpty();
      window.consumed(25);
      window.consumed(10);
      window.consumed(40);

      assertThat(call.sent)
          .allSatisfy(m -> assertThat(m.getRequestId()).isEqualTo(r.id()))
          .extracting(m -> m.getCredit().getBytes())
          .containsExactly(55L, 50L);
    }
  }

  private SessionRequest ask(String what) throws SessionException {
    return session.ask(
        BuilderMessage.newBuilder().setSecret(SecretRequest.newBuilder().setId(what)), what);
  }

  private static ClientMessage secretAnswer(long id, String value) {
    return ClientMessage.newBuilder()
        .setRequestId(id)
        .setSecret(SecretResponse.newBuilder().setValue(ByteString.copyFromUtf8(value)))
        .build();
  }
}
