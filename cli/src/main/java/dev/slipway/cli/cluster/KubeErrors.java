package dev.slipway.cli.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.HttpURLConnection;

/** What an API server failure means for someone running slipway, and what to do about it. */
public final class KubeErrors {
  private KubeErrors() {}

  public static String describe(KubernetesClientException e) {
    String detail =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return switch (e.getCode()) {
      case HttpURLConnection.HTTP_UNAUTHORIZED ->
          "the Kubernetes API server did not accept the kubeconfig's credentials (401); log in"
              + " again or pick another --context";
      case HttpURLConnection.HTTP_FORBIDDEN ->
          "the Kubernetes API server forbids this (403: "
              + detail
              + "); ask for RBAC access to slipway.dev resources in that namespace";
      case HttpURLConnection.HTTP_NOT_FOUND ->
          "the Kubernetes API server does not know this resource (404: "
              + detail
              + "); are the Slipway CRDs installed? (kubectl get crd buildrequests.slipway.dev)";
      default -> {
        Throwable root = rootCause(e);
        yield root instanceof IOException && root != e
            ? "cannot reach the Kubernetes API server ("
                + root
                + "); check the kubeconfig's context (--context, kubectl cluster-info)"
            : detail;
      }
    };
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
