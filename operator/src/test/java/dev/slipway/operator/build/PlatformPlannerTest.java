package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderStatus;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.api.resource.GitContext;
import dev.slipway.api.resource.OutputType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformPlannerTest {

  private static final List<String> BOTH = List.of("linux/amd64", "linux/arm64");

  private static Builder builder(String name, List<String> natively, List<String> emulated) {
    Builder b = new Builder();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team").build());
    BuilderStatus status = new BuilderStatus();
    status.setNativePlatforms(natively);
    status.setEmulatedPlatforms(emulated);
    b.setStatus(status);
    return b;
  }

  private static BuildRequestSpec spec(List<String> platforms) {
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setPlatforms(platforms);
    BuildContextSource context = new BuildContextSource();
    GitContext git = new GitContext();
    git.setUrl("https://example.com/app.git");
    context.setGit(git);
    spec.setContext(context);
    BuildOutput push = new BuildOutput();
    push.setType(OutputType.IMAGE);
    push.setNames(List.of("registry.example.com/app:1"));
    spec.setOutputs(List.of(push));
    return spec;
  }

  @Test
  void eachPlatformGoesToABuilderThatBuildsItNatively() {
    Builder own = builder("main", List.of("linux/amd64"), List.of("linux/arm64"));
    Builder arm = builder("arm", List.of("linux/arm64"), null);
    assertThat(PlatformPlanner.plan(spec(BOTH), own, List.of(arm, own)))
        .isEqualTo(
            new PlatformPlan.Split(
                List.of(
                    new PlatformPlan.Part("linux/amd64", "main", true),
                    new PlatformPlan.Part("linux/arm64", "arm", true))));
  }

  @Test
  void theKernelsArchitectureNamesArePlannedAsTheirOciNames() {
    // uname -m spellings, as a user may copy them into spec.platforms
    Builder own = builder("main", List.of("linux/amd64"), List.of("linux/arm64"));
    Builder arm = builder("arm", List.of("linux/arm64"), null);
    assertThat(
            PlatformPlanner.plan(
                spec(List.of("linux/x86_64", "linux/aarch64")), own, List.of(arm, own)))
        .isEqualTo(
            new PlatformPlan.Split(
                List.of(
                    new PlatformPlan.Part("linux/amd64", "main", true),
                    new PlatformPlan.Part("linux/arm64", "arm", true))));
  }

  @Test
  void theRequestsOwnBuilderIsPreferredAmongNativeOnes() {
    Builder own = builder("main", List.of("linux/amd64", "linux/arm64"), null);
    Builder other = builder("a-other", List.of("linux/arm64"), null);
    assertThat(PlatformPlanner.plan(spec(BOTH), own, List.of(other, own)))
        .isEqualTo(
            new PlatformPlan.Together(
                List.of(
                    new PlatformPlan.Part("linux/amd64", "main", true),
                    new PlatformPlan.Part("linux/arm64", "main", true))));
  }

  @Test
  void withoutANativeBuilderTheOwnBuilderEmulatesAndNothingIsSplit() {
    Builder own = builder("main", List.of("linux/amd64"), List.of("linux/arm64"));
    assertThat(
            PlatformPlanner.plan(spec(List.of("linux/amd64", "linux/arm64/v8")), own, List.of(own)))
        .isEqualTo(
            new PlatformPlan.Together(
                List.of(
                    new PlatformPlan.Part("linux/amd64", "main", true),
                    new PlatformPlan.Part("linux/arm64", "main", false))));
  }

  @Test
  void aPlatformNobodyBuildsIsRefusedWithWhatToChange() {
    Builder own = builder("main", List.of("linux/amd64"), List.of("linux/arm64"));
    assertThat(PlatformPlanner.plan(spec(List.of("linux/amd64", "linux/s390x")), own, List.of(own)))
        .isEqualTo(
            new PlatformPlan.Impossible(
                "no Builder in namespace team builds linux/s390x natively and Builder main does"
                    + " not emulate it: add it to main's spec.emulatedPlatforms or create a"
                    + " Builder on such nodes (kubectl get builders -o wide shows each Builder's"
                    + " platforms)"));
  }

  @Test
  void aClientContextOrAnOutputThatIsNoPushIsBuiltInOneSolveEmulatingWhereItCan() {
    Builder own = builder("main", List.of("linux/amd64"), List.of("linux/arm64"));
    Builder arm = builder("arm", List.of("linux/arm64"), null);
    BuildRequestSpec client = spec(BOTH);
    ClientContext session = new ClientContext();
    session.setSessionId("s");
    client.getContext().setGit(null);
    client.getContext().setClient(session);
    BuildRequestSpec archive = spec(BOTH);
    BuildOutput oci = new BuildOutput();
    oci.setType(OutputType.OCI);
    oci.setDest("app.tar");
    archive.setOutputs(List.of(archive.getOutputs().getFirst(), oci));
    PlatformPlan together =
        new PlatformPlan.Together(
            List.of(
                new PlatformPlan.Part("linux/amd64", "main", true),
                new PlatformPlan.Part("linux/arm64", "main", false)));
    assertThat(PlatformPlanner.plan(client, own, List.of(own, arm))).isEqualTo(together);
    assertThat(PlatformPlanner.plan(archive, own, List.of(own, arm))).isEqualTo(together);

    Builder notEmulating = builder("main", List.of("linux/amd64"), null);
    assertThat(PlatformPlanner.plan(archive, notEmulating, List.of(notEmulating, arm)))
        .isEqualTo(
            new PlatformPlan.Impossible(
                "Builder main neither builds linux/arm64 natively nor emulates it, and this build"
                    + " cannot be split across Builders (its oci output is not an image push, and"
                    + " only pushed parts can be put into one index): add linux/arm64 to main's"
                    + " spec.emulatedPlatforms, or build with builderRef arm"));
  }

  @Test
  void aPlatformNamedTwiceIsPlannedOnce() {
    Builder own = builder("main", List.of("linux/amd64"), null);
    Builder arm = builder("arm", List.of("linux/arm64"), null);
    assertThat(
            PlatformPlanner.plan(
                spec(List.of("linux/amd64", "linux/arm64", "linux/arm64/v8")),
                own,
                List.of(arm, own)))
        .isEqualTo(
            new PlatformPlan.Split(
                List.of(
                    new PlatformPlan.Part("linux/amd64", "main", true),
                    new PlatformPlan.Part("linux/arm64", "arm", true))));
  }

  @Test
  void aBuilderThatNeverReportedItsPlatformsWaitsForAPodInsteadOfRefusing() {
    Builder own = builder("main", null, null);
    assertThat(PlatformPlanner.plan(spec(BOTH), own, List.of(own)))
        .isEqualTo(new PlatformPlan.AwaitingPlatforms());
    Builder noStatus = builder("main", null, null);
    noStatus.setStatus(null);
    assertThat(PlatformPlanner.plan(spec(BOTH), noStatus, List.of(noStatus)))
        .isEqualTo(new PlatformPlan.AwaitingPlatforms());
  }

  @Test
  void imageNamesInTwoRegistriesAreNotSplitBecauseTheirPartsCannotBeAssembledInOne() {
    BuildRequestSpec spec = spec(BOTH);
    spec.getOutputs()
        .getFirst()
        .setNames(List.of("registry.example.com/app:1", "ghcr.io/team/app:1"));
    assertThat(PlatformPlanner.splitBlocker(spec))
        .hasValue(
            "its image names are in more than one registry, and an index is assembled from parts"
                + " in one registry");
    Builder own = builder("main", List.of("linux/amd64"), List.of("linux/arm64"));
    Builder arm = builder("arm", List.of("linux/arm64"), null);
    assertThat(PlatformPlanner.plan(spec, own, List.of(arm, own)))
        .as("built together, the own Builder emulating arm64")
        .isEqualTo(
            new PlatformPlan.Together(
                List.of(
                    new PlatformPlan.Part("linux/amd64", "main", true),
                    new PlatformPlan.Part("linux/arm64", "main", false))));
    spec.getOutputs()
        .getFirst()
        .setNames(List.of("registry.example.com/app:1", "registry.example.com/mirror/app:1"));
    assertThat(PlatformPlanner.splitBlocker(spec)).as("one registry, two repositories").isEmpty();
  }
}
