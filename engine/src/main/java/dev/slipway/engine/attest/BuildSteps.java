package dev.slipway.engine.attest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.source.SourceFetchException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A build's steps in the shape of BuildKit's mode=max {@code buildConfig}: {@code llbDefinition}
 * lists each step ({@code stepN}, its inputs, its op: source identifier, exec args/cwd/env and
 * mount targets, file actions and paths) and {@code digestMapping} maps each step's key to its id.
 * What is not the build's shape stays out: secret and ssh mounts name only their id, file contents
 * are not copied, and an environment entry named like a secret or holding a withheld build
 * argument's value is dropped.
 */
record BuildSteps(
    ObjectNode buildConfig,
    ObjectNode locations,
    Map<String, Boolean> secrets,
    Map<String, Boolean> ssh) {

  static BuildSteps of(Vertex root, Set<String> withheldValues) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode config = f.objectNode();
    ObjectNode mapping = config.putObject("digestMapping");
    ArrayNode definition = config.putArray("llbDefinition");
    ObjectNode locations = f.objectNode();
    Map<String, Boolean> secrets = new TreeMap<>();
    Map<String, Boolean> ssh = new TreeMap<>();
    Map<Vertex, String> ids = new IdentityHashMap<>();
    for (Vertex v : Graph.topologicalOrder(root)) {
      String id = "step" + ids.size();
      ids.put(v, id);
      mapping.put(v.cacheKey().toString(), id);
      ObjectNode step = definition.addObject();
      step.put("id", id);
      if (!v.inputs().isEmpty()) {
        ArrayNode inputs = step.putArray("inputs");
        v.inputs().forEach(in -> inputs.add(ids.get(in) + ":0"));
      }
      ObjectNode outer = step.putObject("op");
      ObjectNode op = outer.putObject("Op");
      Platform platform = null;
      switch (v) {
        case SourceOp s -> {
          op.putObject("source").put("identifier", identifier(s));
          if (s instanceof SourceOp.Image image) {
            platform = image.platform();
          }
        }
        case ExecOp e -> {
          exec(op.putObject("exec"), e, withheldValues, secrets, ssh);
          platform = e.platform();
        }
        case FileOp file -> {
          ArrayNode actions = op.putObject("file").putArray("actions");
          file.actions().forEach(a -> actions.add(action(a)));
        }
        case MergeOp m -> op.putObject("merge");
      }
      if (platform != null) {
        outer
            .putObject("platform")
            .put("Architecture", platform.architecture())
            .put("OS", platform.os());
      }
      v.location()
          .ifPresent(
              l ->
                  locations
                      .putObject(id)
                      .putArray("locations")
                      .addObject()
                      .putArray("ranges")
                      .addObject()
                      .<ObjectNode>set("start", f.objectNode().put("line", l.startLine()))
                      .set("end", f.objectNode().put("line", l.endLine())));
    }
    return new BuildSteps(config, locations, secrets, ssh);
  }

  private static String identifier(SourceOp s) {
    return switch (s) {
      case SourceOp.Image i -> "docker-image://" + i.resolvedName();
      case SourceOp.Context c -> "local://" + c.contextName();
      case SourceOp.Git g -> "git://" + SourceFetchException.redact(g.url());
      case SourceOp.Http h -> SourceFetchException.redact(h.url());
      case SourceOp.Scratch x -> "scratch";
      default -> "unknown";
    };
  }

  private static void exec(
      ObjectNode exec,
      ExecOp e,
      Set<String> withheld,
      Map<String, Boolean> secrets,
      Map<String, Boolean> ssh) {
    ObjectNode meta = exec.putObject("meta");
    ArrayNode args = meta.putArray("args");
    e.args().forEach(a -> args.add(withheld.stream().anyMatch(a::contains) ? "<withheld>" : a));
    meta.put("cwd", e.cwd());
    ArrayNode env = meta.putArray("env");
    for (String entry : e.env()) {
      String name = entry.substring(0, Math.max(0, entry.indexOf('=')));
      if (!SecretNames.looksSecret(name) && withheld.stream().noneMatch(entry::contains)) {
        env.add(entry);
      }
    }
    ArrayNode mounts = exec.putArray("mounts");
    mounts.addObject().put("dest", "/"); // the step's root filesystem, BuildKit's first mount
    for (ExecOp.Mount m : e.mounts()) {
      ObjectNode mount = mounts.addObject().put("dest", m.target());
      switch (m.type()) {
        case SECRET -> {
          secrets.merge(m.id(), !m.required(), Boolean::logicalAnd);
          mount
              .put("mountType", 1)
              .putObject("secretOpt")
              .put("ID", m.id())
              .put("optional", !m.required());
        }
        case SSH -> {
          ssh.merge(m.id(), !m.required(), Boolean::logicalAnd);
          mount
              .put("mountType", 2)
              .putObject("SSHOpt")
              .put("ID", m.id())
              .put("optional", !m.required());
        }
        case CACHE -> mount.put("mountType", 3);
        case TMPFS -> mount.put("mountType", 4);
        case BIND -> {}
      }
    }
  }

  private static ObjectNode action(FileAction a) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    switch (a) {
      case FileAction.Copy c ->
          node.putObject("copy").put("dest", c.dest()).set("src", arr(c.sourcePaths()));
      case FileAction.Mkdir m -> node.putObject("mkdir").put("path", m.path());
      case FileAction.Mkfile m -> node.putObject("mkfile").put("path", m.path());
      case FileAction.Rm r -> node.putObject("rm").put("path", r.path());
      case FileAction.Symlink s ->
          node.putObject("symlink").put("newpath", s.linkPath()).put("oldpath", s.target());
      default -> node.putObject("unknown");
    }
    return node;
  }

  private static ArrayNode arr(List<String> values) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    values.forEach(a::add);
    return a;
  }
}
