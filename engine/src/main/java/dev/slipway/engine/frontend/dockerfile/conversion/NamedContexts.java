package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.source.GitUrl;
import dev.slipway.engine.source.UrlCredentials;
import java.util.List;
import java.util.Optional;

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
        GitUrl url = gitUrl(found.name(), git.url(), meta);
        yield emptyBased(
            new SourceOp.Git(
                url.remote(),
                url.ref(),
                url.subdir(),
                Boolean.TRUE.equals(url.keepGitDir()),
                url.checksum(),
                !Boolean.FALSE.equals(url.submodules()),
                VertexInfo.named(label + UrlCredentials.redact(url.remote()))),
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

  private static GitUrl gitUrl(String name, String url, Meta meta) {
    Optional<GitUrl> git;
    try {
      git = GitUrl.parse(url);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(
          meta.position(), "named context " + name + ": " + e.getMessage());
    }
    return git.orElseThrow(
        () ->
            new DockerfileException(
                meta.position(),
                "named context "
                    + name
                    + ": "
                    + UrlCredentials.redact(url)
                    + " is no git URL (https://host/repo.git#ref:dir, git@host:repo, git://...)"));
  }

  private static ConvertedStage emptyBased(Vertex files, Platform platform) {
    return new ConvertedStage(files, FromConverter.emptyImage(platform), platform);
  }
}
