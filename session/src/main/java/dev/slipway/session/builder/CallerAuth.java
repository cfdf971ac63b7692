package dev.slipway.session.builder;

import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.InvalidGrantException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/**
 * Lets in only calls whose {@code authorization: Bearer TOKEN} a {@link CallerSource} accepts, and
 * puts the {@link Caller} in the call's context, where the Control and Session services read it to
 * decide what the call may see. Refusals are UNAUTHENTICATED and never repeat the token.
 */
public final class CallerAuth implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Caller> CALLER = Context.key("slipway-caller");
  private static final String BEARER = "Bearer ";

  private final CallerSource callers;

  public CallerAuth(CallerSource callers) {
    this.callers = callers;
  }

  /** The caller of the current call; empty outside a call this interceptor let in. */
  public static Optional<Caller> current() {
    return Optional.ofNullable(CALLER.get());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String header = headers.get(AUTHORIZATION);
    String token =
        header != null && header.startsWith(BEARER) ? header.substring(BEARER.length()) : null;
    Caller caller;
    try {
      caller = callers.authenticate(token);
    } catch (InvalidGrantException e) {
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }
}
