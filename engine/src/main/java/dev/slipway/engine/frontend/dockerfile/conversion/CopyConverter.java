package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.parser.DockerfileLexer;
import dev.slipway.engine.frontend.dockerfile.parser.Heredoc;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.source.GitUrl;
import dev.slipway.engine.source.UrlCredentials;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * COPY and ADD: sources from the context, another stage or image ({@code --from}), heredocs, and
 * for ADD URLs, git repositories and local archives to unpack; {@code --link} builds the files on
 * scratch and merges them onto the stage.
 */
final class CopyConverter {

  private static final Pattern CHMOD_OCTAL = Pattern.compile("^[0-7]{1,4}$");
  private static final Pattern CHMOD_SYMBOLIC =
      Pattern.compile("^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$");

  private final StageContext ctx;

  CopyConverter(StageContext ctx) {
    this.ctx = ctx;
  }

  /** The values every source of one COPY shares. */
  private record Target(
      Instruction.Copy copy, String dest, Owner owner, String chmod, List<String> excludes) {

    FileAction.Copy action(Vertex source, String path, boolean wildcard, boolean unpack) {
      return new FileAction.Copy(
          source,
          List.of(path),
          dest,
          owner.user(),
          owner.group(),
          chmod,
          true,
          true,
          true,
          wildcard,
          wildcard,
          excludes,
          copy.parents(),
          unpack,
          false);
    }

    /** The file mode an octal {@code --chmod} gives, or null. */
    Integer octalMode() {
      return chmod != null && CHMOD_OCTAL.matcher(chmod).matches()
          ? Integer.parseInt(chmod, 8)
          : null;
    }
  }

  void copy(Instruction.Copy c) {
    Meta meta = c.meta();
    String kw = c.add() ? "ADD" : "COPY";
    String chown = c.chown() == null ? null : ctx.expand(c.chown(), meta);
    Owner owner = Owner.parse(chown);
    String chmod = c.chmod() == null ? null : ctx.expand(c.chmod(), meta);
    if (chmod != null
        && !CHMOD_OCTAL.matcher(chmod).matches()
        && !CHMOD_SYMBOLIC.matcher(chmod).matches()) {
      throw new DockerfileException(
          meta.position(),
          "invalid --chmod \"" + chmod + "\": use an octal mode such as 0755 or u+x");
    }
    List<String> excludes = new ArrayList<>();
    for (String e : c.excludes()) {
      excludes.add(ctx.expand(e, meta));
    }
    String destRaw = ctx.expand(c.dest(), meta);
    String dest = destRaw.startsWith("/") ? destRaw : Paths.join(ctx.workingDirOrRoot(), destRaw);
    if (destRaw.isEmpty()
        || destRaw.equals(".")
        || destRaw.endsWith("/")
        || destRaw.endsWith("/.")) {
      dest = dest.endsWith("/") ? dest : dest + "/";
    }
    Target target = new Target(c, dest, owner, chmod, excludes);
    Vertex fromVertex = c.from() == null ? null : ctx.readFrom(c.from(), meta);
    Map<String, Heredoc> heredocs = new HashMap<>();
    for (Heredoc h : c.heredocs()) {
      heredocs.put(h.name(), h);
    }
    List<FileAction> actions = new ArrayList<>();
    List<String> local = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    boolean anyRemote = false;
    for (String raw : c.sources()) {
      DockerfileLexer.Marker marker = DockerfileLexer.marker(raw);
      if (marker != null && heredocs.containsKey(marker.name())) {
        actions.add(heredocAction(target, heredocs.get(marker.name())));
        shown.add(raw);
        continue;
      }
      String src = ctx.expand(raw, meta);
      if (src.isEmpty()) {
        throw new DockerfileException(meta.position(), kw + " source can not be an empty string");
      }
      shown.add(src);
      if (fromVertex != null) {
        actions.add(target.action(fromVertex, Paths.clean("/" + src), true, false));
      } else if (gitUrl(src, meta).isPresent()) {
        if (!c.add()) {
          throw new DockerfileException(
              meta.position(), "COPY cannot read a git repository: use ADD " + src);
        }
        anyRemote = true;
        actions.add(target.action(gitSource(gitUrl(src, meta).get(), c), "/", false, false));
      } else if (src.startsWith("http://") || src.startsWith("https://")) {
        if (!c.add()) {
          throw new DockerfileException(
              meta.position(), "source can't be a URL for COPY: use ADD " + src + " (or RUN curl)");
        }
        anyRemote = true;
        actions.add(httpAction(target, src));
      } else {
        local.add(src);
      }
    }
    if (c.checksum() != null && (!anyRemote || c.sources().size() != 1)) {
      throw new DockerfileException(
          meta.position(), "--checksum needs exactly one http(s) or git source");
    }
    if (!local.isEmpty()) {
      actions.addAll(contextActions(target, local));
    }
    String step = ctx.nextStep();
    // A URL's credentials show nowhere: not in the step name, not in the image's history.
    String text = UrlCredentials.redact(ctx.stepText(meta, false, Set.of()));
    Vertex base = c.link() ? new SourceOp.Scratch(VertexInfo.named("scratch")) : ctx.vertex();
    FileOp op = new FileOp(base, actions, ctx.info(meta, step + text));
    // BuildKit names the merge that applies a --link copy after the copy itself, same step
    ctx.vertex(
        c.link()
            ? new MergeOp(List.of(ctx.vertex(), op), ctx.info(meta, step + "LINK " + text))
            : op);
    ctx.history(
        UrlCredentials.redact(kw + " " + String.join(" ", shown) + " " + destRaw + " # buildkit"),
        false);
  }

  /** A heredoc source: a file made on scratch, expanded unless its delimiter was quoted. */
  private FileAction.Copy heredocAction(Target target, Heredoc h) {
    String content = h.expand() ? ctx.expand(h.content(), target.copy().meta()) : h.content();
    Integer mode = target.octalMode();
    Vertex file =
        new FileOp(
            new SourceOp.Scratch(VertexInfo.named("scratch")),
            List.of(
                new FileAction.Mkfile(
                    "/" + h.name(), mode == null ? 0644 : mode, content, null, null)),
            VertexInfo.named("[internal] heredoc " + h.name()));
    return target.action(file, "/" + h.name(), false, false);
  }

  /**
   * An ADD of a URL: downloaded under the URL's file name, then copied like a local file, so a
   * destination that is an existing directory receives it under that name (BuildKit does the same).
   */
  private FileAction.Copy httpAction(Target target, String src) {
    Instruction.Copy c = target.copy();
    String filename = urlFilename(src);
    String checksum = c.checksum() == null ? null : ctx.expand(c.checksum(), c.meta());
    Vertex http =
        new SourceOp.Http(
            src,
            checksum,
            filename,
            target.octalMode(),
            VertexInfo.named("[internal] load " + UrlCredentials.redact(src)));
    // a remote archive stays a file unless --unpack=true asks for its contents
    return target.action(http, "/" + filename, false, Boolean.TRUE.equals(c.unpack()));
  }

  /**
   * The local sources, read from the context minus ignored and excluded files; the context transfer
   * is limited to the sources unless one of them is the whole context.
   */
  private List<FileAction> contextActions(Target target, List<String> local) {
    List<String> include = new ArrayList<>();
    boolean all = false;
    for (String src : local) {
      String p = DockerIgnore.cleanPath(src);
      all |= p.equals(".") || p.equals("..") || p.startsWith("../");
      include.add(p);
    }
    Vertex context = ctx.context(all ? List.of() : include, target.excludes());
    List<FileAction> actions = new ArrayList<>();
    for (String src : local) {
      // ADD unpacks a local archive unless --unpack=false keeps it a file
      boolean unpack = target.copy().add() && !Boolean.FALSE.equals(target.copy().unpack());
      actions.add(target.action(context, Paths.clean("/" + src), true, unpack));
    }
    return actions;
  }

  /** The git source {@code src} names, if it is one; its bad options are errors at this line. */
  private static Optional<GitUrl> gitUrl(String src, Meta meta) {
    try {
      return GitUrl.parse(src);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(meta.position(), e.getMessage());
    }
  }

  /** BuildKit picks the stages a build needs before any ARG is known, so --from takes none. */

  /**
   * A git checkout: the URL's options merged with ADD's flags, which must agree with them where
   * both are given (as BuildKit's frontend requires).
   */
  private Vertex gitSource(GitUrl git, Instruction.Copy c) {
    Meta meta = c.meta();
    if (c.keepGitDir() != null
        && git.keepGitDir() != null
        && !c.keepGitDir().equals(git.keepGitDir())) {
      throw new DockerfileException(
          meta.position(),
          "--keep-git-dir="
              + c.keepGitDir()
              + " conflicts with keep-git-dir="
              + git.keepGitDir()
              + " in the URL; give it in one place");
    }
    String checksum = git.checksum();
    if (c.checksum() != null) {
      String flag = ctx.expand(c.checksum(), meta);
      if (!checksum.isEmpty() && !checksum.equals(flag)) {
        throw new DockerfileException(
            meta.position(),
            "checksum mismatch: --checksum="
                + flag
                + " but checksum="
                + checksum
                + " in the URL; give it in one place");
      }
      checksum = flag;
    }
    if (!checksum.isEmpty() && !checksum.matches("[0-9a-fA-F]+")) {
      throw new DockerfileException(
          meta.position(),
          "invalid checksum "
              + checksum
              + " for a git source: give the commit id (hex, or a prefix of it)");
    }
    boolean keepGitDir =
        Boolean.TRUE.equals(git.keepGitDir() != null ? git.keepGitDir() : c.keepGitDir());
    return new SourceOp.Git(
        git.remote(),
        git.ref(),
        git.subdir(),
        keepGitDir,
        checksum,
        !Boolean.FALSE.equals(git.submodules()),
        VertexInfo.named("[internal] load git source " + UrlCredentials.redact(git.remote())));
  }

  /** The file name a URL downloads to: its last path element, {@code __unnamed__} if none. */
  private static String urlFilename(String url) {
    String path = url.replaceFirst("^[a-z]+://[^/]*", "");
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    int hash = path.indexOf('#');
    if (hash >= 0) {
      path = path.substring(0, hash);
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.isEmpty() ? "__unnamed__" : name;
  }
}
