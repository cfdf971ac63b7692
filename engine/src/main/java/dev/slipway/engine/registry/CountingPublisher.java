package dev.slipway.engine.registry;

import dev.slipway.engine.job.TransferMeter;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that counts its bytes in a {@link TransferMeter} as the HTTP client takes them for
 * sending: what a push reports is what went out, not an estimate.
 */
final class CountingPublisher implements HttpRequest.BodyPublisher {
  private final HttpRequest.BodyPublisher body;
  private final TransferMeter meter;
  private final long offset;

  /**
   * @param offset where in the transfer this body starts: each send (a retry too) counts from there
   */
  CountingPublisher(HttpRequest.BodyPublisher body, TransferMeter meter, long offset) {
    this.body = body;
    this.meter = meter;
    this.offset = offset;
  }

  @Override
  public long contentLength() {
    return body.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    meter.set(offset);
    body.subscribe(
        new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            int n = item.remaining();
            subscriber.onNext(item);
            meter.add(n);
          }

          @Override
          public void onError(Throwable error) {
            subscriber.onError(error);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
          }
        });
  }
}
