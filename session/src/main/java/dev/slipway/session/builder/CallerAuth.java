package dev.slipway.session.builder;

import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.InvalidGrantException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Lets in only calls whose {@code authorization: Bearer TOKEN} a {@link CallerSource} accepts, and
 * puts the {@link Caller} in the call's context, where the Control and Session services read it to
 * decide what the call may see. Refusals are UNAUTHENTICATED and never repeat the token. A caller
 * holding none of the service's scopes is refused (PERMISSION_DENIED) before the service sees it: a
 * PEER grant reaches only PeerCache, and BUILD or ADMIN grants never reach PeerCache.
 */
public final class CallerAuth implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Caller> CALLER = Context.key("slipway-caller");
  private static final String BEARER = "Bearer ";

  private final CallerSource callers;
  private final Set<GrantScope> serviceScopes;

  /** In front of Control and Session: callers holding BUILD or ADMIN. */
  public CallerAuth(CallerSource callers) {
    this(callers, EnumSet.of(GrantScope.BUILD, GrantScope.ADMIN));
  }

  /** In front of a service that callers holding at least one of {@code serviceScopes} may call. */
  public CallerAuth(CallerSource callers, Set<GrantScope> serviceScopes) {
    if (serviceScopes.isEmpty()) {
      throw new IllegalArgumentException("a service needs at least one scope that may call it");
    }
    this.callers = callers;
    this.serviceScopes = EnumSet.copyOf(serviceScopes);
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
    if (caller.scopes().stream().noneMatch(serviceScopes::contains)) {
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              "a grant with the scopes "
                  + caller.scopes()
                  + " cannot call "
                  + call.getMethodDescriptor().getServiceName()
                  + ", which needs one of "
                  + serviceScopes),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }
}
