package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.image.ImageConfig;
import java.util.List;

/**
 * Starts a stage from its FROM: the platform, the base (another stage, scratch, or an image whose
 * config the resolver reads), how many steps the stage announces, and the ONBUILD triggers the base
 * image passes on.
 */
final class FromConverter {

  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final StageContext ctx;

  FromConverter(StageContext ctx) {
    this.ctx = ctx;
  }

  /** Sets up the stage's platform, base vertex and image; returns the triggers to run first. */
  List<Instruction> start() {
    Stage stage = ctx.stage();
    Instruction.From from = stage.from();
    Meta meta = from.meta();
    String ref = ctx.expandGlobal(from.image(), meta, "UndefinedArgInFrom");
    if (ref.isEmpty()) {
      throw new DockerfileException(
          meta.position(), "base name (" + from.image() + ") should not be blank");
    }
    ctx.platform(platform(from));
    String resolvedImage = null;
    Integer baseStage = ctx.dockerfile().stageNamedInFrom(ref);
    if (baseStage != null && baseStage != stage.index()) {
      ConvertedStage base = ctx.dockerfile().stage(baseStage);
      ctx.vertex(base.vertex());
      ctx.image(base.image());
      ctx.inheritArgs(base);
    } else if (ref.equalsIgnoreCase("scratch")) {
      ctx.vertex(new SourceOp.Scratch(VertexInfo.named("scratch")));
      ctx.image(emptyImage(ctx.platform()));
    } else if (ctx.dockerfile().namedContexts().find(ref) instanceof NamedContexts.Found named) {
      // a named context of the base's name wins over the image (buildx --build-context)
      ConvertedStage base = ctx.dockerfile().namedContexts().load(named, ctx.platform(), meta);
      ctx.vertex(base.vertex());
      ctx.image(base.image());
    } else {
      resolvedImage = ImageReference.normalize(ref, meta);
      ImageConfig pulled = ctx.request().resolver().resolve(resolvedImage, ctx.platform());
      checkPlatform(ref, pulled, meta);
      ctx.image(asStageBase(pulled, ctx.platform()));
    }
    // BuildKit announces a step for the FROM of an image, each RUN, COPY, ADD and WORKDIR, and
    // every ONBUILD trigger whatever it is, though a WORKDIR / or trigger such as ENV names none
    int total = resolvedImage != null ? 1 : 0;
    for (Instruction i : stage.commands()) {
      if (i instanceof Instruction.Run
          || i instanceof Instruction.Copy
          || i instanceof Instruction.Workdir) {
        total++;
      }
    }
    List<Instruction> triggers = List.of();
    if (!ctx.config().onBuild().isEmpty()) {
      triggers = Dockerfile.parseTriggers(ctx.config().onBuild(), meta.position());
      triggers.forEach(t -> FromReferences.check(t, ctx.dockerfile().expander()));
      total += triggers.size();
      ctx.config(ctx.config().withOnBuild(List.of()));
    }
    ctx.announceSteps(total);
    if (resolvedImage != null) {
      // BuildKit shows the name pinned to the digest it resolved to
      String digest = ctx.request().resolver().digest(resolvedImage, ctx.platform());
      String shown =
          digest == null || resolvedImage.contains("@")
              ? resolvedImage
              : resolvedImage + "@" + digest;
      ctx.vertex(
          new SourceOp.Image(
              ref,
              resolvedImage,
              ctx.platform(),
              ctx.info(meta, ctx.nextStep() + "FROM " + shown)));
    }
    return triggers;
  }

  /** The request's target platform, or the one {@code --platform} names (with its checks). */
  private Platform platform(Instruction.From from) {
    Meta meta = from.meta();
    if (from.platform() == null) {
      return ctx.request().targetPlatform();
    }
    String p = ctx.expandGlobal(from.platform(), meta, "UndefinedArgInFrom");
    Platform platform;
    try {
      platform = Platform.parse(p);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(meta.position(), e.getMessage());
    }
    if (!from.platform().contains("$")) {
      ctx.warn(
          "FromPlatformFlagConstDisallowed",
          "FROM --platform flag should not use constant value \"" + from.platform() + "\"",
          meta);
    } else if (from.platform().matches("\\$\\{?TARGETPLATFORM}?")) {
      ctx.warn(
          "RedundantTargetPlatform",
          "Setting platform to predefined "
              + from.platform()
              + " in FROM is redundant as this is the default behavior",
          meta);
    }
    return platform;
  }

  /** BuildKit's empty image: working directory / and the default PATH. */
  static ImageConfig emptyImage(Platform platform) {
    ImageConfig image = ImageConfig.scratch(platform);
    return image.withConfig(
        image.config().withWorkingDir("/").withEnv(List.of("PATH=" + DEFAULT_PATH)));
  }

  /** The resolved image's config, for the stage's platform, as the stage's starting image. */
  static ImageConfig baseImage(ConvertRequest req, String resolved, Platform platform) {
    return asStageBase(req.resolver().resolve(resolved, platform), platform);
  }

  /**
   * Warns, as BuildKit's InvalidBaseImagePlatform, when the base was pulled for another platform.
   */
  private void checkPlatform(String ref, ImageConfig base, Meta meta) {
    Platform platform = ctx.platform();
    if (base.os() != null
        && !base.os().isEmpty()
        && base.architecture() != null
        && !base.architecture().isEmpty()) {
      Platform pulled =
          new Platform(
              base.os(), base.architecture(), base.variant() == null ? "" : base.variant());
      if (!pulled.os().equals(platform.os())
          || !pulled.architecture().equals(platform.architecture())) {
        ctx.warn(
            "InvalidBaseImagePlatform",
            "Base image "
                + ref
                + " was pulled with platform \""
                + pulled
                + "\", expected \""
                + platform
                + "\" for current build",
            meta);
      }
    }
  }

  /** The pulled image's config as a stage's starting image, on the stage's platform. */
  private static ImageConfig asStageBase(ImageConfig base, Platform platform) {
    return new ImageConfig(
        null,
        base.author(),
        platform.architecture(),
        platform.os(),
        platform.variant().isEmpty() ? null : platform.variant(),
        base.config(),
        base.rootfs(),
        base.history());
  }
}
