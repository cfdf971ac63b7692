package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.AnnotationLevel;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.GitContext;
import dev.slipway.api.resource.ImageAnnotation;
import dev.slipway.api.resource.OutputType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformChildrenTest {

  private static final PlatformPlan.Part ARM = new PlatformPlan.Part("linux/arm64", "arm", true);

  private static BuildRequest parent() {
    BuildRequest parent = new BuildRequest();
    parent.setMetadata(
        new ObjectMetaBuilder().withName("app").withNamespace("team").withUid("uid-1").build());
    BuildRequestSpec spec = new BuildRequestSpec();
    BuilderReference builder = new BuilderReference();
    builder.setName("main");
    spec.setBuilderRef(builder);
    spec.setPlatforms(List.of("linux/amd64", "linux/arm64"));
    BuildContextSource context = new BuildContextSource();
    GitContext git = new GitContext();
    git.setUrl("https://example.com/app.git");
    context.setGit(git);
    spec.setContext(context);
    spec.setBuildArgs(new HashMap<>(Map.of("V", "1")));
    spec.setTtlSecondsAfterFinished(60);
    BuildOutput push = new BuildOutput();
    push.setType(OutputType.IMAGE);
    push.setNames(List.of("reg.example.com/team/app:1.0", "reg.example.com/team/app:latest"));
    spec.setOutputs(List.of(push));
    parent.setSpec(spec);
    return parent;
  }

  @Test
  void aChildIsTheParentsSpecForOnePlatformOnItsBuilderPushedByDigest() {
    BuildRequest child = PlatformChildren.child(parent(), ARM);
    assertThat(child.getMetadata().getName()).isEqualTo("app-linux-arm64");
    assertThat(child.getMetadata().getNamespace()).isEqualTo("team");
    assertThat(child.getMetadata().getLabels())
        .isEqualTo(Map.of("slipway.dev/parent", "app", "slipway.dev/platform", "linux-arm64"));
    assertThat(child.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo("uid-1");
              assertThat(o.getKind()).isEqualTo("BuildRequest");
              assertThat(o.getController()).isFalse();
            });
    assertThat(child.getSpec().getPlatforms()).containsExactly("linux/arm64");
    assertThat(child.getSpec().getBuilderRef().getName()).isEqualTo("arm");
    assertThat(child.getSpec().getBuildArgs()).isEqualTo(Map.of("V", "1"));
    assertThat(child.getSpec().getTtlSecondsAfterFinished())
        .as("it goes with its parent, which reads its digest")
        .isNull();
    assertThat(child.getSpec().getOutputs().getFirst().getNames())
        .containsExactly("reg.example.com/team/app");
    assertThat(parent().getSpec().getPlatforms()).hasSize(2);
  }

  @Test
  void onlyTheSpecTheOperatorMadeIsAChild() {
    BuildRequest parent = parent();
    BuildRequest child = PlatformChildren.child(parent, ARM);
    assertThat(PlatformChildren.isChild(child, parent, ARM)).isTrue();

    child.getSpec().setCancel(true);
    assertThat(PlatformChildren.isChild(child, parent, ARM)).as("cancelled by its parent").isTrue();

    BuildRequest edited = PlatformChildren.child(parent, ARM);
    edited.getSpec().getBuildArgs().put("V", "evil");
    assertThat(PlatformChildren.isChild(edited, parent, ARM)).isFalse();

    BuildRequest foreign = PlatformChildren.child(parent, ARM);
    foreign.getMetadata().getOwnerReferences().getFirst().setUid("uid-2");
    assertThat(PlatformChildren.isChild(foreign, parent, ARM)).isFalse();

    BuildRequest unlabelled = PlatformChildren.child(parent, ARM);
    unlabelled.getMetadata().setLabels(Map.of());
    assertThat(PlatformChildren.isChild(unlabelled, parent, ARM)).isFalse();
  }

  @Test
  void childNamesAreTheParentsWithThePlatformAndFitALabelValue() {
    assertThat(PlatformChildren.name("app", "linux/arm/v7")).isEqualTo("app-linux-arm-v7");
    String parent = "a".repeat(80);
    String child = PlatformChildren.name(parent, "linux/arm64");
    assertThat(child).hasSizeLessThanOrEqualTo(63).endsWith("-linux-arm64").startsWith("aaaa");
    assertThat(PlatformChildren.name("a".repeat(79) + "b", "linux/arm64"))
        .as("a hash keeps truncated names apart")
        .isNotEqualTo(child);
    assertThat(PlatformChildren.parentLabel(parent)).hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void aPartIsPushedToItsRepositoryWithoutTagOrDigest() {
    assertThat(PlatformChildren.repository("127.0.0.1:5000/team/app:1.0"))
        .isEqualTo("127.0.0.1:5000/team/app");
    assertThat(PlatformChildren.repository("127.0.0.1:5000/team/app"))
        .isEqualTo("127.0.0.1:5000/team/app");
    assertThat(PlatformChildren.repository("reg/app:1@sha256:" + "a".repeat(64)))
        .isEqualTo("reg/app");
  }

  @Test
  void aChildLeavesIndexAnnotationsToTheParentsAssembledIndex() {
    BuildRequest parent = parent();
    parent
        .getSpec()
        .setAnnotations(
            List.of(
                new ImageAnnotation(AnnotationLevel.INDEX, "org.example.index", "i"),
                new ImageAnnotation(AnnotationLevel.INDEX_DESCRIPTOR, "org.example.desc", "d"),
                new ImageAnnotation(AnnotationLevel.MANIFEST, "org.example.manifest", "m"),
                new ImageAnnotation(null, "org.example.default", "x")));
    assertThat(PlatformChildren.child(parent, ARM).getSpec().getAnnotations())
        .extracting(ImageAnnotation::getKey)
        .containsExactly("org.example.manifest", "org.example.default");
    assertThat(parent.getSpec().getAnnotations()).as("the parent's spec is untouched").hasSize(4);
  }
}
