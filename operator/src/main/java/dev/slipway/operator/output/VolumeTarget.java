package dev.slipway.operator.output;

import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.OutputType;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one output of a GitOps build lands: a path inside a PersistentVolumeClaim of the request's
 * namespace, which the build's writer pod mounts at {@code /slipway/volumes/<volume>}.
 *
 * @param output the output's index in spec.outputs (and in the SolveRequest)
 * @param claim the claim's name
 * @param volume the claim's index among the build's distinct claims (its mount's name)
 * @param path where inside the claim; hostile until the writer confines it
 * @param directory whether the output arrives as a tar to unpack (type local) or is a file
 */
public record VolumeTarget(
    int output, String claim, int volume, String path, boolean directory, String type) {

  /** The spec's outputs that go to a volume; an image output never does. */
  public static List<VolumeTarget> of(BuildRequestSpec spec) {
    List<VolumeTarget> targets = new ArrayList<>();
    List<String> claims = new ArrayList<>();
    List<BuildOutput> outputs = spec.getOutputs() == null ? List.of() : spec.getOutputs();
    for (int i = 0; i < outputs.size(); i++) {
      BuildOutput o = outputs.get(i);
      if (o.getVolumeClaimName() == null || o.getType() == OutputType.IMAGE) {
        continue;
      }
      if (!claims.contains(o.getVolumeClaimName())) {
        claims.add(o.getVolumeClaimName());
      }
      targets.add(
          new VolumeTarget(
              i,
              o.getVolumeClaimName(),
              claims.indexOf(o.getVolumeClaimName()),
              o.getDest(),
              o.getType() == OutputType.LOCAL,
              o.getType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return targets;
  }

  /** The distinct claims of {@code targets}, in the order of their volume index. */
  public static List<String> claims(List<VolumeTarget> targets) {
    return targets.stream().map(VolumeTarget::claim).distinct().toList();
  }

  /** The output as a user names it, for messages. */
  public String describe() {
    return "spec.outputs[" + output + "] (type " + type + ", " + claim + ":" + path + ")";
  }
}
