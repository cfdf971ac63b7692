package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.exec.NetworkMode;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Command;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.parser.DockerfileLexer;
import dev.slipway.engine.frontend.dockerfile.parser.Heredoc;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.ExecOp.Mount;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RUN: its mounts ({@link RunMounts}), network and security modes, heredoc scripts, the environment
 * (ENV plus the stage's ARGs and proxy build args), and the history line BuildKit writes for it.
 */
final class RunConverter {

  private final StageContext ctx;

  /** ssh mounts so far in the stage: each default socket path gets the next number. */
  private int sshMounts;

  RunConverter(StageContext ctx) {
    this.ctx = ctx;
  }

  void run(Instruction.Run r) {
    Meta meta = r.meta();
    String cwd = ctx.workingDirOrRoot();
    List<Mount> mounts = mounts(r, cwd);
    NetworkMode network = network(r);
    ExecOp.SecurityMode security = security(r);
    List<String> argv;
    Command c = r.command();
    if (c.json()) {
      argv = c.args();
    } else if (!r.heredocs().isEmpty()) {
      argv = heredocCommand(r, mounts);
    } else {
      argv = ctx.commandArgs(c);
    }
    List<String> env = environment();
    String user = ctx.config().user() == null ? "" : ctx.config().user();
    Set<String> secretEnv = new HashSet<>();
    for (Mount m : mounts) {
      if (m.type() == ExecOp.MountType.SECRET && m.envName() != null) {
        secretEnv.add(m.envName());
      }
    }
    String text = ctx.stepText(meta, true, secretEnv);
    if (!r.heredocs().isEmpty() && DockerfileLexer.marker(c.args().get(0).strip()) != null) {
      text += " (" + heredocSummary(r.heredocs().get(0)) + ")";
    }
    ctx.vertex(
        new ExecOp(
            ctx.vertex(),
            argv,
            env,
            cwd,
            user,
            network,
            security,
            ctx.request().extraHosts(),
            mounts,
            ctx.platform(),
            ctx.request().execLimits(),
            ctx.info(meta, ctx.nextStep() + text)));
    StringBuilder createdBy = new StringBuilder("RUN ");
    // proxy settings may carry credentials: they stay out of the history
    Map<String, String> shown = ctx.argsForHistory();
    shown.keySet().removeAll(StageContext.PROXY_ARGS);
    if (!shown.isEmpty()) {
      createdBy.append('|').append(shown.size());
      shown.forEach((k, v) -> createdBy.append(' ').append(k).append('=').append(v));
      createdBy.append(' ');
    }
    createdBy.append(String.join(" ", argv)).append(" # buildkit");
    ctx.history(createdBy.toString(), false);
  }

  private List<Mount> mounts(Instruction.Run r, String cwd) {
    Meta meta = r.meta();
    RunMounts.Sources sources =
        new RunMounts.Sources() {
          @Override
          public Vertex from(String from) {
            return ctx.readFrom(from, meta);
          }

          @Override
          public Vertex context(String sourcePath) {
            String p = DockerIgnore.cleanPath(sourcePath);
            return ctx.context(p.equals(".") ? List.of() : List.of(p), List.of());
          }
        };
    List<Mount> mounts = new ArrayList<>();
    for (String spec : r.mounts()) {
      Mount mount =
          RunMounts.parse(
              spec,
              v -> ctx.expand(v, meta),
              cwd,
              sshMounts,
              sources,
              (fmt, a) -> new DockerfileException(meta.position(), String.format(fmt, a)));
      mounts.add(mount);
      if (mount.type() == ExecOp.MountType.SSH) {
        sshMounts++;
      }
    }
    return mounts;
  }

  private NetworkMode network(Instruction.Run r) {
    if (r.network() == null) {
      return NetworkMode.DEFAULT;
    }
    // like BuildKit, the flag is not expanded: it is checked when the Dockerfile is parsed
    return switch (r.network()) {
      case "default" -> NetworkMode.DEFAULT;
      case "none" -> NetworkMode.NONE;
      case "host" -> {
        // The default network is the builder's own already; still, like BuildKit, a Dockerfile
        // alone cannot ask for the host's: the build must carry the entitlement.
        if (!ctx.request().networkHost()) {
          throw new DockerfileException(
              r.meta().position(),
              "RUN --network=host needs the network.host entitlement: build with --allow"
                  + " network.host (spec.entitlements: [network.host] in a BuildRequest), or drop"
                  + " --network=host");
        }
        yield NetworkMode.HOST;
      }
      default ->
          throw new DockerfileException(
              r.meta().position(),
              "unsupported network mode \"" + r.network() + "\": use default, none or host");
    };
  }

  /** Refuses insecure here, before any step runs, so the error names the Dockerfile line. */
  private ExecOp.SecurityMode security(Instruction.Run r) {
    if (r.security() == null) {
      return ExecOp.SecurityMode.SANDBOX;
    }
    return switch (r.security()) {
      case "sandbox" -> ExecOp.SecurityMode.SANDBOX;
      case "insecure" -> {
        InsecureEntitlement entitlement = ctx.request().insecure();
        if (!entitlement.granted()) {
          throw new DockerfileException(r.meta().position(), entitlement.refusal());
        }
        yield ExecOp.SecurityMode.INSECURE;
      }
      default ->
          throw new DockerfileException(
              r.meta().position(),
              "unsupported security mode \"" + r.security() + "\": use sandbox or insecure");
    };
  }

  /** The build environment (ENV and ARG values), then proxy build args it does not set. */
  private List<String> environment() {
    ConvertRequest req = ctx.request();
    List<String> env = ctx.runEnv();
    for (String proxy : StageContext.PROXY_ARGS) {
      if (req.buildArgs().containsKey(proxy) && !ctx.inRunEnv(proxy)) {
        env.add(proxy + "=" + req.buildArgs().get(proxy));
      }
    }
    return env;
  }

  /**
   * A RUN whose only word is one heredoc runs its body as the script (through a mounted file when
   * it starts with a shebang); otherwise the heredocs go to the shell with the command line.
   */
  private List<String> heredocCommand(Instruction.Run r, List<Mount> mounts) {
    String line = r.command().args().get(0).strip();
    DockerfileLexer.Marker marker = DockerfileLexer.marker(line);
    if (r.heredocs().size() == 1 && marker != null) {
      Heredoc h = r.heredocs().get(0);
      if (h.content().startsWith("#!")) {
        Vertex script =
            new FileOp(
                new SourceOp.Scratch(VertexInfo.named("scratch")),
                List.of(new FileAction.Mkfile("/" + h.name(), 0755, h.content(), null, null)),
                VertexInfo.named("[internal] heredoc " + h.name()));
        mounts.add(Mount.bind("/dev/pipes", script, "/", true));
        return List.of("/dev/pipes/" + h.name());
      }
      List<String> args = new ArrayList<>(ctx.shell());
      args.add(h.content());
      return args;
    }
    StringBuilder script = new StringBuilder(r.command().args().get(0));
    for (Heredoc h : r.heredocs()) {
      script.append('\n').append(h.content()).append(h.name());
    }
    List<String> args = new ArrayList<>(ctx.shell());
    args.add(script.toString());
    return args;
  }

  /** A heredoc's first line, with {@code ...} when more follow (BuildKit's RUN step text). */
  private static String heredocSummary(Heredoc h) {
    String[] lines = h.content().strip().split("\\r?\\n", -1);
    return lines.length > 1 ? lines[0] + "..." : lines[0];
  }
}
