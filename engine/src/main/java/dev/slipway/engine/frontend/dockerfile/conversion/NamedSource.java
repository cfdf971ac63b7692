package dev.slipway.engine.frontend.dockerfile.conversion;

import java.util.List;

/**
 * Where a named context (buildx {@code --build-context NAME=VALUE}) comes from, as the frontend
 * reads it: {@code FROM NAME}, {@code COPY --from=NAME} and {@code RUN --mount=from=NAME} use it
 * instead of an image of that name, and a stage of that name is replaced by it.
 */
public sealed interface NamedSource {

  /**
   * A directory the client serves as the session context {@code sessionName}, minus what its own
   * {@code .dockerignore} excludes (as BuildKit: the main context's ignore file does not apply).
   */
  record Local(String sessionName, List<String> excludes) implements NamedSource {
    public Local {
      excludes = List.copyOf(excludes);
    }
  }

  /** An image ({@code docker-image://REF}): its filesystem and config. */
  record Image(String ref) implements NamedSource {}

  /** A git repository, {@code URL#ref:subdir}. */
  record Git(String url) implements NamedSource {}

  /** An http(s) URL: the downloaded file. */
  record Http(String url) implements NamedSource {}
}
