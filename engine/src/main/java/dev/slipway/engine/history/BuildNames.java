package dev.slipway.engine.history;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.SolveRequest;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * What a build built, as {@code buildx history ls} names it: the context, then the Dockerfile when
 * it is not the default one and the target when one was asked for. A URL loses its credentials and
 * query, so a token in a git or http context never reaches the history.
 */
public final class BuildNames {
  private BuildNames() {}

  /**
   * @param localContext the name of a client's context where the caller knows it (the directory's
   *     base name), else empty
   */
  public static String of(SolveRequest request, String localContext) {
    StringBuilder name = new StringBuilder(context(request, localContext));
    if (request.getDockerfile().hasPath()
        && !request.getDockerfile().getPath().isEmpty()
        && !request.getDockerfile().getPath().equals("Dockerfile")) {
      name.append(" (").append(request.getDockerfile().getPath()).append(')');
    } else if (request.getDockerfile().hasInline()) {
      name.append(" (inline Dockerfile)");
    }
    if (!request.getTarget().isEmpty()) {
      name.append(" target ").append(request.getTarget());
    }
    return name.toString();
  }

  private static String context(SolveRequest request, String localContext) {
    BuildContext c = request.getContext();
    return switch (c.getSourceCase()) {
      case GIT -> withoutSecrets(c.getGit().getUrl()) + refOf(c);
      case HTTP -> withoutSecrets(c.getHttp().getUrl());
      case IMAGE -> c.getImage().getRef();
      case INLINE -> "inline context";
      default -> !localContext.isEmpty() ? localContext : firstImageName(request);
    };
  }

  private static String refOf(BuildContext c) {
    String ref = c.getGit().getRef();
    String sub = c.getGit().getSubdir();
    if (ref.isEmpty() && sub.isEmpty()) {
      return "";
    }
    return "#" + ref + (sub.isEmpty() ? "" : ":" + sub);
  }

  /** A builder does not see the client's directory: the image it tags names the build instead. */
  private static String firstImageName(SolveRequest request) {
    for (Output o : request.getOutputsList()) {
      if (o.getNamesCount() > 0) {
        return o.getNames(0);
      }
    }
    return "local context";
  }

  /** Drops user info, query and fragment; what is left names the source, not who may read it. */
  static String withoutSecrets(String url) {
    try {
      URI u = new URI(url);
      if (u.getHost() == null) {
        return stripScpUser(url);
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return stripScpUser(url);
    }
  }

  /** "git@host:org/repo" keeps "host:org/repo"; anything with a query keeps what precedes it. */
  private static String stripScpUser(String url) {
    String s = url;
    int q = s.indexOf('?');
    if (q >= 0) {
      s = s.substring(0, q);
    }
    int at = s.lastIndexOf('@');
    return at >= 0 ? s.substring(at + 1) : s;
  }
}
