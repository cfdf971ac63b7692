package dev.slipway.session.builder;

import dev.slipway.api.session.v1.BuilderMessage;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A call's sending half without a transport: records what is sent; ready when the test says. */
final class FakeCallObserver extends ServerCallStreamObserver<BuilderMessage> {
  final List<BuilderMessage> sent = new CopyOnWriteArrayList<>();
  volatile boolean ready = true;
  volatile Throwable error;
  volatile int errors;
  volatile boolean completed;
  private volatile Runnable onReady = () -> {};

  /** Makes the call ready and runs its ready handler, as gRPC does when the buffer drains. */
  void becomeReady() {
    ready = true;
    onReady.run();
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {
    onReady = onReadyHandler;
  }

  @Override
  public void onNext(BuilderMessage value) {
    sent.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    errors++;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {}

  @Override
  public void setCompression(String compression) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}
}
