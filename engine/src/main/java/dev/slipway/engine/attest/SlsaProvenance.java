package dev.slipway.engine.attest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.export.AttestationSubject;
import dev.slipway.engine.export.BuildProvenance;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.source.SourceFetchException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SLSA v1 provenance predicate BuildKit v0.34 writes by default ({@code
 * https://slsa.dev/provenance/v1}), with its field names: the base images pinned to digests, the
 * git commit and the context digest as resolved dependencies; the request (frontend, secret and ssh
 * ids, never their values; build args for mode=max only, minus those named like secrets); the
 * platforms; the builder id; the invocation id and times; and for mode=max the build steps ({@link
 * BuildSteps}).
 */
final class SlsaProvenance {
  static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
  static final String BUILD_TYPE =
      "https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md";

  private SlsaProvenance() {}

  static ObjectNode predicate(
      AttestationSubject s, boolean max, String builderId, Instant finished) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    SolveRequest request = s.request();
    ObjectNode predicate = f.objectNode();
    ObjectNode definition = predicate.putObject("buildDefinition");
    definition.put("buildType", BUILD_TYPE);
    ArrayNode deps = definition.putArray("resolvedDependencies");
    for (BaseImagePins.Pin pin : s.pins().all()) {
      dependency(deps, BuildProvenance.purl(pin), pin.digest());
    }
    Map<String, String> facts = s.contextFacts();
    if (facts.containsKey("git.commit")) {
      dependency(
          deps,
          SourceFetchException.redact(facts.getOrDefault("git.url", "")),
          "sha1:" + facts.get("git.commit"));
    }
    if (facts.containsKey("context.digest")) {
      dependency(deps, "local://context", facts.get("context.digest"));
    }
    ObjectNode external = definition.putObject("externalParameters");
    ObjectNode config = external.putObject("configSource");
    // as BuildKit: where the Dockerfile came from only for a remote context; {} for a local one
    if (facts.containsKey("git.commit")) {
      config.put("uri", SourceFetchException.redact(facts.getOrDefault("git.url", "")));
      config.putObject("digest").put("sha1", facts.get("git.commit"));
      config.put(
          "path",
          request.getDockerfile().hasPath() && !request.getDockerfile().getPath().isEmpty()
              ? request.getDockerfile().getPath()
              : "Dockerfile");
    }
    ObjectNode req = external.putObject("request");
    req.put("frontend", "dockerfile.v0");
    Set<String> withheld = new HashSet<>();
    if (max) {
      Map<String, String> args = new TreeMap<>();
      request
          .getBuildArgsMap()
          .forEach(
              (k, v) -> {
                if (SecretNames.looksSecret(k)) {
                  if (!v.isEmpty()) {
                    withheld.add(v);
                  }
                } else {
                  args.put("build-arg:" + k, v);
                }
              });
      if (!request.getTarget().isEmpty()) {
        args.put("target", request.getTarget());
      }
      if (!args.isEmpty()) {
        ObjectNode a = req.putObject("args");
        args.forEach(a::put);
      }
    }
    BuildSteps steps = BuildSteps.of(s.definition().root(), withheld);
    if (!steps.secrets().isEmpty()) {
      ArrayNode secrets = req.putArray("secrets");
      steps
          .secrets()
          .forEach((id, optional) -> secrets.addObject().put("id", id).put("optional", optional));
    }
    if (!steps.ssh().isEmpty()) {
      ArrayNode ssh = req.putArray("ssh");
      steps
          .ssh()
          .forEach((id, optional) -> ssh.addObject().put("id", id).put("optional", optional));
    }
    ArrayNode locals = req.putArray("locals");
    locals.addObject().put("name", "context");
    locals.addObject().put("name", "dockerfile");
    ObjectNode internal = definition.putObject("internalParameters");
    if (max) {
      internal.set("buildConfig", steps.buildConfig());
    }
    internal.put("builderPlatform", dev.slipway.engine.content.Platform.host().toString());
    internal.put("targetPlatform", s.platform().toString());
    ObjectNode run = predicate.putObject("runDetails");
    run.putObject("builder").put("id", builderId);
    ObjectNode metadata = run.putObject("metadata");
    metadata.put("invocationId", request.getBuildId());
    metadata.put("startedOn", DateTimeFormatter.ISO_INSTANT.format(s.started()));
    metadata.put("finishedOn", DateTimeFormatter.ISO_INSTANT.format(finished));
    ObjectNode buildkit = metadata.putObject("buildkit_metadata");
    if (max) {
      buildkit.putObject("source").set("locations", steps.locations());
    }
    ObjectNode completeness = metadata.putObject("buildkit_completeness");
    completeness.put("request", true);
    completeness.put("resolvedDependencies", false);
    return predicate;
  }

  private static void dependency(ArrayNode deps, String uri, String digest) {
    String[] d = digest.split(":", 2);
    if (d.length != 2) {
      return;
    }
    ObjectNode dep = deps.addObject();
    dep.put("uri", uri);
    dep.putObject("digest").put(d[0], d[1]);
  }
}
