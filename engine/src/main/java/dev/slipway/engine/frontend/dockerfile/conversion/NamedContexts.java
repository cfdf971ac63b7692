package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.source.UrlCredentials;
import java.util.List;

/**
 * Finds and loads the named context a name in the Dockerfile refers to (a stage's name, a FROM
 * base, a {@code --from}), compared in {@link ContextName#familiar} form as BuildKit does.
 */
final class NamedContexts {
  private final ConvertRequest req;

  NamedContexts(ConvertRequest req) {
    this.req = req;
  }

  /** The named context {@code ref} refers to, or null (also for a name that is no reference). */
  Found find(String ref) {
    if (req.namedContexts().isEmpty()) {
      return null;
    }
    String name;
    try {
      name = ContextName.familiar(ref);
    } catch (IllegalArgumentException notAReference) {
      return null;
    }
    NamedSource source = req.namedContexts().get(name);
    return source == null ? null : new Found(name, source);
  }

  /** A named context found for a name. */
  record Found(String name, NamedSource source) {}

  /**
   * The stage a named context gives on {@code platform}: its files and, for an image, that image's
   * config; anything else starts from the empty image's config (as BuildKit's emptyImage). {@code
   * meta} is the instruction that refers to it, where a bad image reference is reported.
   */
  ConvertedStage load(Found found, Platform platform, Meta meta) {
    String label = "[context " + found.name() + "] ";
    return switch (found.source()) {
      case NamedSource.Image image when image.ref().equalsIgnoreCase("scratch") ->
          new ConvertedStage(
              new SourceOp.Scratch(VertexInfo.named("scratch")),
              FromConverter.emptyImage(platform),
              platform);
      case NamedSource.Image image -> {
        String resolved = ImageReference.normalize(image.ref(), meta);
        yield new ConvertedStage(
            new SourceOp.Image(image.ref(), resolved, platform, VertexInfo.named(label + resolved)),
            FromConverter.baseImage(req, resolved, platform),
            platform);
      }
      case NamedSource.Local local ->
          emptyBased(
              new SourceOp.Context(
                  local.sessionName(),
                  List.of(),
                  local.excludes(),
                  List.of(),
                  VertexInfo.named(label + "load from client")),
              platform);
      case NamedSource.Git git -> {
        GitUrl url = GitUrl.parse(git.url());
        yield emptyBased(
            new SourceOp.Git(
                url.url(),
                url.ref(),
                url.subdir(),
                false,
                VertexInfo.named(label + UrlCredentials.redact(url.url()))),
            platform);
      }
      case NamedSource.Http http ->
          // BuildKit downloads a remote context as the file "context", whatever the URL's name
          emptyBased(
              new SourceOp.Http(
                  http.url(),
                  null,
                  "context",
                  null,
                  VertexInfo.named(label + UrlCredentials.redact(http.url()))),
              platform);
    };
  }

  private static ConvertedStage emptyBased(Vertex files, Platform platform) {
    return new ConvertedStage(files, FromConverter.emptyImage(platform), platform);
  }
}
