package dev.slipway.engine.frontend.dockerfile.instructions;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.ArgDecl;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Command;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.KeyValue;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.parser.DockerfileLexer;
import dev.slipway.engine.frontend.dockerfile.parser.RawInstruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns one lexed instruction into its typed {@link Instruction}: reads the flags it accepts,
 * splits and checks its arguments (exec or shell form, key=value pairs, FROM ... AS name), and
 * reports the build checks it can see on its own.
 */
final class InstructionParser {

  private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9-_.]*$");

  private final String file;
  private final char escape;
  private final BuildChecks checks;

  InstructionParser(String file, char escape, BuildChecks checks) {
    this.file = file;
    this.escape = escape;
    this.checks = checks;
  }

  /** Refuses what an ONBUILD trigger may not be: another ONBUILD, FROM or MAINTAINER. */
  static void checkTrigger(String keyword, String written, SourcePosition at) {
    switch (keyword) {
      case "onbuild" ->
          throw new DockerfileException(
              at, "chaining ONBUILD via ONBUILD ONBUILD isn't allowed: remove the inner ONBUILD");
      case "from", "maintainer" ->
          throw new DockerfileException(
              at, written.toUpperCase(Locale.ROOT) + " isn't allowed as an ONBUILD trigger");
      default -> {}
    }
  }

  /** The typed instruction of {@code raw}, its flags and arguments checked. */
  Instruction instruction(RawInstruction raw) {
    Meta meta = new Meta(raw.position(), raw.endLine(), raw.keywordAsWritten(), raw.original());
    Flags flags = new Flags(raw);
    String args = raw.args();
    SourcePosition at = raw.position();
    String kw = raw.keyword().toUpperCase(Locale.ROOT);
    Instruction result =
        switch (raw.keyword()) {
          case "from" -> from(meta, flags, args);
          case "run" -> {
            Command command = command(kw, args, at);
            yield new Instruction.Run(
                meta,
                command,
                flags.multi("mount"),
                flags.string("network"),
                flags.string("security"),
                raw.heredocs());
          }
          case "cmd" ->
              new Instruction.Cmd(meta, checks.jsonRecommended(kw, command(kw, args, at), at));
          case "entrypoint" ->
              new Instruction.Entrypoint(
                  meta, checks.jsonRecommended(kw, command(kw, args, at), at));
          case "env" -> {
            List<KeyValue> pairs = new ArrayList<>();
            boolean legacy = nameValues(kw, args, at, pairs);
            for (KeyValue kv : pairs) {
              checks.secretName(kv.key(), kw, at);
            }
            yield new Instruction.Env(meta, pairs, legacy);
          }
          case "label" -> {
            List<KeyValue> pairs = new ArrayList<>();
            boolean legacy = nameValues(kw, args, at, pairs);
            yield new Instruction.Label(meta, pairs, legacy);
          }
          case "maintainer" -> {
            checks.maintainerDeprecated(at);
            yield new Instruction.Maintainer(meta, single(kw, args, at));
          }
          case "expose" ->
              new Instruction.Expose(meta, atLeastOne(kw, Words.splitWhitespace(args), at));
          case "add", "copy" -> copy(meta, raw, flags, args);
          case "volume" -> {
            List<String> json = JsonArgs.parse(args);
            yield new Instruction.Volume(
                meta, atLeastOne(kw, json != null ? json : Words.splitWhitespace(args), at));
          }
          case "user" -> new Instruction.User(meta, single(kw, args, at));
          case "workdir" -> new Instruction.Workdir(meta, single(kw, args, at));
          case "arg" -> arg(meta, args, at);
          case "onbuild" -> onbuild(meta, args, at);
          case "stopsignal" -> new Instruction.StopSignal(meta, single(kw, args, at));
          case "healthcheck" -> healthcheck(meta, flags, args, at);
          case "shell" -> {
            List<String> json = JsonArgs.parse(args);
            if (json == null || json.isEmpty()) {
              throw new DockerfileException(
                  at,
                  "SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/sh\", \"-c\"]");
            }
            yield new Instruction.Shell(meta, json);
          }
          default -> throw new IllegalStateException("lexer accepted " + raw.keyword());
        };
    flags.checkAllUsed();
    return result;
  }

  private Instruction from(Meta meta, Flags flags, String args) {
    SourcePosition at = meta.position();
    List<String> words = Words.splitWhitespace(args);
    if (words.size() != 1 && words.size() != 3) {
      throw new DockerfileException(
          at, "FROM requires either one or three arguments: FROM <image> [AS <name>]");
    }
    String name = null;
    String asWord = null;
    if (words.size() == 3) {
      asWord = words.get(1);
      if (!asWord.equalsIgnoreCase("as")) {
        throw new DockerfileException(
            at, "FROM expects AS as its second argument, found \"" + asWord + "\"");
      }
      String written = words.get(2);
      name = written.toLowerCase(Locale.ROOT);
      if (!STAGE_NAME.matcher(name).matches()) {
        throw new DockerfileException(
            at,
            "invalid name for build stage: \""
                + written
                + "\"; a stage name starts with a letter and contains only letters, digits, '-',"
                + " '_' and '.'");
      }
      checks.stageName(written, name, meta.keywordAsWritten(), asWord, at);
    }
    return new Instruction.From(meta, words.get(0), name, asWord, flags.string("platform"));
  }

  private Instruction copy(Meta meta, RawInstruction raw, Flags flags, String args) {
    boolean add = raw.keyword().equals("add");
    String kw = add ? "ADD" : "COPY";
    SourcePosition at = meta.position();
    List<String> json = JsonArgs.parse(args);
    List<String> words = json != null ? json : Words.splitWhitespace(args);
    if (words.size() < 2) {
      throw new DockerfileException(
          at, kw + " requires at least two arguments: " + kw + " <source>... <destination>");
    }
    String from = add ? null : flags.string("from");
    String checksum = add ? flags.string("checksum") : null;
    Boolean keepGitDir = add ? flags.optionalBool("keep-git-dir") : null;
    Boolean unpack = add ? flags.optionalBool("unpack") : null;
    return new Instruction.Copy(
        meta,
        add,
        words.subList(0, words.size() - 1),
        words.get(words.size() - 1),
        raw.heredocs(),
        from,
        flags.string("chown"),
        flags.string("chmod"),
        flags.bool("link"),
        flags.bool("parents"),
        flags.multi("exclude"),
        checksum,
        keepGitDir,
        unpack);
  }

  private Instruction arg(Meta meta, String args, SourcePosition at) {
    List<String> words = Words.quoted(args, escape);
    if (words.isEmpty()) {
      throw new DockerfileException(
          at, "ARG requires at least one argument: ARG <name>[=<default>]");
    }
    List<ArgDecl> decls = new ArrayList<>();
    for (String w : words) {
      int eq = w.indexOf('=');
      String name = eq < 0 ? w : w.substring(0, eq);
      if (name.isEmpty()) {
        throw new DockerfileException(at, "ARG names can not be blank: write ARG <name>=<default>");
      }
      checks.secretName(name, "ARG", at);
      decls.add(new ArgDecl(name, eq < 0 ? null : w.substring(eq + 1)));
    }
    return new Instruction.Arg(meta, decls);
  }

  private Instruction onbuild(Meta meta, String args, SourcePosition at) {
    String trigger = args.strip();
    if (trigger.isEmpty()) {
      throw new DockerfileException(at, "ONBUILD requires an instruction to run later");
    }
    for (RawInstruction inner : DockerfileLexer.lexTriggers(file, trigger, at)) {
      checkTrigger(inner.keyword(), inner.keywordAsWritten(), at);
      instruction(inner);
    }
    return new Instruction.Onbuild(meta, trigger);
  }

  private Instruction healthcheck(Meta meta, Flags flags, String args, SourcePosition at) {
    List<String> words = Words.splitWhitespace(args);
    if (words.isEmpty()) {
      throw new DockerfileException(at, "HEALTHCHECK requires NONE or CMD <command>");
    }
    String type = words.get(0).toUpperCase(Locale.ROOT);
    String interval = flags.string("interval");
    String timeout = flags.string("timeout");
    String startPeriod = flags.string("start-period");
    String startInterval = flags.string("start-interval");
    String retries = flags.string("retries");
    if (type.equals("NONE")) {
      if (words.size() > 1) {
        throw new DockerfileException(at, "HEALTHCHECK NONE takes no arguments");
      }
      return new Instruction.Healthcheck(
          meta, null, interval, timeout, startPeriod, startInterval, retries);
    }
    if (!type.equals("CMD")) {
      throw new DockerfileException(
          at,
          "unknown type \""
              + words.get(0)
              + "\" in HEALTHCHECK: use HEALTHCHECK CMD <command> or NONE");
    }
    String rest = args.strip().substring(words.get(0).length()).strip();
    Command test = command("HEALTHCHECK CMD", rest, at);
    return new Instruction.Healthcheck(
        meta, test, interval, timeout, startPeriod, startInterval, retries);
  }

  private Command command(String kw, String args, SourcePosition at) {
    List<String> json = JsonArgs.parse(args);
    if (json != null) {
      return new Command(json, true);
    }
    if (args.isBlank()) {
      throw new DockerfileException(
          at, kw + " requires a command, in shell form or as a JSON array");
    }
    return new Command(List.of(args), false);
  }

  private static String single(String kw, String args, SourcePosition at) {
    if (args.isBlank()) {
      throw new DockerfileException(at, kw + " requires exactly one argument");
    }
    return args.strip();
  }

  private static List<String> atLeastOne(String kw, List<String> list, SourcePosition at) {
    if (list.isEmpty()) {
      throw new DockerfileException(at, kw + " requires at least one argument");
    }
    return list;
  }

  /** ENV and LABEL arguments; returns true for the legacy {@code key value} form. */
  private boolean nameValues(String kw, String args, SourcePosition at, List<KeyValue> out) {
    List<String> words = Words.quoted(args, escape);
    if (words.isEmpty()) {
      throw new DockerfileException(
          at, kw + " requires at least one argument: " + kw + " <key>=<value>");
    }
    if (words.get(0).indexOf('=') < 0) {
      String rest = args.strip();
      String[] parts = rest.split("[ \t\r\n\f]+", 2);
      if (parts.length < 2) {
        throw new DockerfileException(
            at, kw + " " + parts[0] + " needs a value: write " + kw + " " + parts[0] + "=<value>");
      }
      checks.legacyKeyValueFormat(kw, at);
      out.add(new KeyValue(parts[0], parts[1]));
      return true;
    }
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq <= 0) {
        throw new DockerfileException(
            at, "syntax error: can't find = in \"" + w + "\"; " + kw + " takes name=value pairs");
      }
      out.add(new KeyValue(w.substring(0, eq), w.substring(eq + 1)));
    }
    return false;
  }
}
