package dev.slipway.operator.build;

import dev.slipway.api.resource.AnnotationLevel;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.OutputType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The child BuildRequests of a build split per platform: their names, labels and owner, and their
 * spec (the parent's, for one platform on its planned Builder, pushing by digest without a tag).
 */
final class PlatformChildren {

  /** On a child: its parent's name (truncated and hashed if longer than a label value). */
  static final String PARENT_LABEL = "slipway.dev/parent";

  /** On a child: its platform as os-arch[-variant]. */
  static final String PLATFORM_LABEL = "slipway.dev/platform";

  /** The engine's output attribute (buildx's name) that pushes a part without a tag. */
  static final String PUSH_BY_DIGEST = "push-by-digest";

  /** A child's name is also used as a label value (e.g. on its writer pods): 63 characters. */
  static final int MAX_NAME = 63;

  private PlatformChildren() {}

  /** {@code <parent>-<os>-<arch>[-<variant>]}, truncated and hashed when too long. */
  static String name(String parent, String platform) {
    return fit(parent + "-" + suffix(platform), parent, "-" + suffix(platform));
  }

  static String parentLabel(String parent) {
    return fit(parent, parent, "");
  }

  static String suffix(String platform) {
    return platform.replace('/', '-');
  }

  private static String fit(String whole, String prefix, String suffix) {
    if (whole.length() <= MAX_NAME) {
      return whole;
    }
    String hash = sha256(whole).substring(0, 10);
    int keep = MAX_NAME - suffix.length() - hash.length() - 1;
    String head = prefix.substring(0, Math.max(0, keep)).replaceAll("[-.]+$", "");
    return head + "-" + hash + suffix;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The child of {@code parent} that builds {@code part}. */
  static BuildRequest child(BuildRequest parent, PlatformPlan.Part part) {
    BuildRequestSpec spec =
        Serialization.unmarshal(Serialization.asJson(parent.getSpec()), BuildRequestSpec.class);
    spec.setPlatforms(List.of(part.platform()));
    BuilderReference builder = new BuilderReference();
    builder.setName(part.builder());
    spec.setBuilderRef(builder);
    spec.setCancel(false);
    // The parent reads the child's pushed digest when it assembles the index: the child goes
    // with its parent (owner reference), not before it.
    spec.setTtlSecondsAfterFinished(null);
    if (spec.getAnnotations() != null) {
      // the parent's assembled index carries index annotations; a one-platform child may write
      // no index at all, and the engine refuses index annotations then
      spec.setAnnotations(
          spec.getAnnotations().stream()
              .filter(
                  a ->
                      a.getLevel() != AnnotationLevel.INDEX
                          && a.getLevel() != AnnotationLevel.INDEX_DESCRIPTOR)
              .toList());
    }
    for (BuildOutput output : spec.getOutputs()) {
      if (output.getType() == OutputType.IMAGE) {
        output.setNames(
            output.getNames().stream().map(PlatformChildren::repository).distinct().toList());
      }
    }
    BuildRequest child = new BuildRequest();
    child.setMetadata(
        new ObjectMetaBuilder()
            .withName(name(parent.getMetadata().getName(), part.platform()))
            .withNamespace(parent.getMetadata().getNamespace())
            .withLabels(
                Map.of(
                    PARENT_LABEL,
                    parentLabel(parent.getMetadata().getName()),
                    PLATFORM_LABEL,
                    suffix(part.platform())))
            .withOwnerReferences(owner(parent))
            .build());
    child.setSpec(spec);
    return child;
  }

  private static OwnerReference owner(BuildRequest parent) {
    return new OwnerReferenceBuilder()
        .withApiVersion(parent.getApiVersion())
        .withKind(parent.getKind())
        .withName(parent.getMetadata().getName())
        .withUid(parent.getMetadata().getUid())
        .withController(false)
        .build();
  }

  /** Whether {@code child} is a part of {@code parent} (owned by it, not a namesake). */
  static boolean ownedBy(BuildRequest child, BuildRequest parent) {
    return parentOf(child)
        .filter(o -> o.getUid().equals(parent.getMetadata().getUid()))
        .isPresent();
  }

  /**
   * Whether {@code child} is the child this class makes of {@code parent} for {@code part}: its
   * owner and its spec (but spec.cancel, which the parent sets itself). Anyone who may create
   * BuildRequests in the namespace can name one like a child and point its owner at the parent;
   * only one whose spec is exactly the parent's for that platform is assembled into its index.
   */
  static boolean isChild(BuildRequest child, BuildRequest parent, PlatformPlan.Part part) {
    if (!ownedBy(child, parent)) {
      return false;
    }
    BuildRequestSpec expected = child(parent, part).getSpec();
    BuildRequestSpec actual =
        Serialization.unmarshal(Serialization.asJson(child.getSpec()), BuildRequestSpec.class);
    actual.setCancel(false);
    return Serialization.asJson(expected).equals(Serialization.asJson(actual));
  }

  /** The owner reference to the parent of a child, empty for any other request. */
  static Optional<OwnerReference> parentOf(BuildRequest request) {
    var labels = request.getMetadata().getLabels();
    if (labels == null || !labels.containsKey(PLATFORM_LABEL)) {
      return Optional.empty();
    }
    var owners = request.getMetadata().getOwnerReferences();
    return owners == null
        ? Optional.empty()
        : owners.stream()
            .filter(o -> "BuildRequest".equals(o.getKind()) && o.getUid() != null)
            .findFirst();
  }

  /** An image name without its tag or digest: the repository a part is pushed to by digest. */
  static String repository(String name) {
    String withoutDigest = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
  }
}
