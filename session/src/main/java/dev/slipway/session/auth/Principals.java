package dev.slipway.session.auth;

/**
 * The names of callers, shared by the operator that signs grants and the builder that scopes what
 * builds share. A BuildRequest is its own caller (its session, its builds), but its namespace is
 * the tenant: the boundary Kubernetes already draws for Secrets and Pods, and the one within which
 * builds may share what they write for each other (cache mounts).
 */
public final class Principals {
  private static final String BUILD_REQUEST = "buildrequest:";

  private Principals() {}

  /** The principal of the operator's grants for one BuildRequest. */
  public static String buildRequest(String namespace, String name) {
    return BUILD_REQUEST + namespace + "/" + name;
  }

  /**
   * The tenant of {@code principal}: {@code namespace:NS} for a BuildRequest of namespace NS, else
   * {@code caller:PRINCIPAL} (a user of a builder process, or "local"), so no other caller's name
   * can read as a namespace.
   */
  public static String tenant(String principal) {
    if (principal.startsWith(BUILD_REQUEST)) {
      String rest = principal.substring(BUILD_REQUEST.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        return "namespace:" + rest.substring(0, slash);
      }
    }
    return "caller:" + principal;
  }
}
