package dev.slipway.engine.solver;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.util.Set;

/**
 * Where base images come from: the local image store, and — when one is configured — a registry.
 * The Dockerfile frontend asks for an image's configuration while it converts; the solver then
 * unpacks the very same image.
 */
public interface BaseImages {

  /**
   * The image named {@code name} for {@code platform}.
   *
   * @param pull resolve the name again at its origin even when a copy is present
   * @param session asked for registry credentials
   * @param insecureRegistries registry hosts the build reaches over plain http
   */
  Image resolve(
      String name,
      Platform platform,
      boolean pull,
      BuildSession session,
      Set<String> insecureRegistries)
      throws BuildFailedException, IOException;
}
