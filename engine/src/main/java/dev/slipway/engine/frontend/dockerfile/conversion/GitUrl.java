package dev.slipway.engine.frontend.dockerfile.conversion;

/** A git source as ADD and {@code --build-context} write it: {@code URL#ref:subdir}. */
record GitUrl(String url, String ref, String subdir) {

  static GitUrl parse(String src) {
    int hash = src.indexOf('#');
    if (hash < 0) {
      return new GitUrl(src, "", "");
    }
    String fragment = src.substring(hash + 1);
    int colon = fragment.indexOf(':');
    return new GitUrl(
        src.substring(0, hash),
        colon < 0 ? fragment : fragment.substring(0, colon),
        colon < 0 ? "" : fragment.substring(colon + 1));
  }
}
