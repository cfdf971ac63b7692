package dev.slipway.engine.frontend.dockerfile.instructions;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.ArgDecl;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Command;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.KeyValue;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import dev.slipway.engine.frontend.dockerfile.parser.DockerfileLexer;
import dev.slipway.engine.frontend.dockerfile.parser.RawInstruction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the instruction model from the lexer's output: checks each instruction's flags and
 * arguments, groups instructions into stages, and runs the build checks that need no evaluation.
 */
final class DockerfileParser {

  private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9-_.]*$");
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i)(^|_)(api_?key|auth|credential|passwd|password|pword|secret|token)($|_)");
  private static final Set<String> SECRET_NAME_ALLOWED = Set.of("public", "tokenizer");

  private final String file;
  private final char escape;
  private final List<BuildWarning> warnings = new ArrayList<>();

  private DockerfileParser(String file, char escape) {
    this.file = file;
    this.escape = escape;
  }

  static Dockerfile parse(String file, String text) {
    DockerfileLexer.Lexed lexed = DockerfileLexer.lex(file, text);
    DockerfileParser parser = new DockerfileParser(file, lexed.directives().escape());
    parser.warnings.addAll(lexed.warnings());
    return parser.build(lexed);
  }

  static List<Instruction> parseTriggers(List<String> triggers, SourcePosition at) {
    DockerfileParser parser = new DockerfileParser(at.file(), '\\');
    List<Instruction> out = new ArrayList<>();
    for (String trigger : triggers) {
      for (RawInstruction raw : DockerfileLexer.lexTriggers(at.file(), trigger, at)) {
        parser.checkTrigger(raw.keyword(), raw.keywordAsWritten(), at);
        out.add(parser.instruction(raw));
      }
    }
    return out;
  }

  private Dockerfile build(DockerfileLexer.Lexed lexed) {
    List<Instruction.Arg> metaArgs = new ArrayList<>();
    List<Stage> stages = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    Instruction.From from = null;
    List<Instruction> commands = new ArrayList<>();
    int upper = 0;
    int lower = 0;
    for (RawInstruction raw : lexed.instructions()) {
      String w = raw.keywordAsWritten();
      if (w.equals(w.toUpperCase(Locale.ROOT))) {
        upper++;
      } else if (w.equals(w.toLowerCase(Locale.ROOT))) {
        lower++;
      }
    }
    boolean preferLower = lower > upper;
    for (RawInstruction raw : lexed.instructions()) {
      checkCasing(raw, preferLower);
      Instruction instruction = instruction(raw);
      if (instruction instanceof Instruction.From f) {
        if (from != null) {
          stages.add(new Stage(stages.size(), from.stageName(), from, commands));
        }
        if (f.stageName() != null) {
          Integer previous = names.putIfAbsent(f.stageName(), stages.size());
          if (previous != null) {
            throw new DockerfileException(
                raw.position(),
                "duplicate stage name \""
                    + f.stageName()
                    + "\" (also used by stage "
                    + previous
                    + "): give each stage a unique name");
          }
        }
        from = f;
        commands = new ArrayList<>();
      } else if (from == null) {
        if (instruction instanceof Instruction.Arg a) {
          metaArgs.add(a);
        } else {
          throw new DockerfileException(
              raw.position(),
              raw.keyword().toUpperCase(Locale.ROOT)
                  + " before the first FROM: only ARG may come before FROM; start the stage with"
                  + " FROM <image>");
        }
      } else {
        commands.add(instruction);
      }
    }
    if (from == null) {
      throw new DockerfileException(
          new SourcePosition(file, 1, 1),
          "the Dockerfile has no build stage: add a FROM instruction (e.g. FROM scratch)");
    }
    stages.add(new Stage(stages.size(), from.stageName(), from, commands));
    for (Stage stage : stages) {
      checkDuplicates(stage);
    }
    return new Dockerfile(file, lexed.directives(), metaArgs, stages, warnings);
  }

  private void warn(String rule, String message, SourcePosition at) {
    warnings.add(new BuildWarning(rule, message, at));
  }

  private void checkCasing(RawInstruction raw, boolean preferLower) {
    String w = raw.keywordAsWritten();
    boolean ok =
        preferLower ? w.equals(w.toLowerCase(Locale.ROOT)) : w.equals(w.toUpperCase(Locale.ROOT));
    if (!ok) {
      warn(
          "ConsistentInstructionCasing",
          "Command '"
              + w
              + "' should match the case of the command majority ("
              + (preferLower ? "lowercase" : "uppercase")
              + ")",
          raw.position());
    }
  }

  private void checkDuplicates(Stage stage) {
    Map<Class<?>, Instruction> last = new HashMap<>();
    for (Instruction i : stage.commands()) {
      if (i instanceof Instruction.Cmd
          || i instanceof Instruction.Entrypoint
          || i instanceof Instruction.Healthcheck) {
        Instruction before = last.put(i.getClass(), i);
        if (before != null) {
          String kw = before.meta().keywordAsWritten().toUpperCase(Locale.ROOT);
          warn(
              "MultipleInstructionsDisallowed",
              "Multiple "
                  + kw
                  + " instructions should not be used in the same stage because only the last one"
                  + " will be used",
              before.meta().position());
        }
      }
    }
  }

  private void checkTrigger(String keyword, String written, SourcePosition at) {
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
            Command command = command(kw, args, at, true);
            yield new Instruction.Run(
                meta,
                command,
                flags.multi("mount"),
                flags.string("network"),
                flags.string("security"),
                raw.heredocs());
          }
          case "cmd" ->
              new Instruction.Cmd(meta, jsonRecommended(kw, command(kw, args, at, false), at));
          case "entrypoint" ->
              new Instruction.Entrypoint(
                  meta, jsonRecommended(kw, command(kw, args, at, false), at));
          case "env" -> {
            List<KeyValue> pairs = new ArrayList<>();
            boolean legacy = nameValues(kw, args, at, pairs);
            for (KeyValue kv : pairs) {
              checkSecretName(kv.key(), kw, at);
            }
            yield new Instruction.Env(meta, pairs, legacy);
          }
          case "label" -> {
            List<KeyValue> pairs = new ArrayList<>();
            boolean legacy = nameValues(kw, args, at, pairs);
            yield new Instruction.Label(meta, pairs, legacy);
          }
          case "maintainer" -> {
            warn(
                "MaintainerDeprecated",
                "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=\"...\"",
                at);
            yield new Instruction.Maintainer(meta, single(kw, args, at));
          }
          case "expose" -> new Instruction.Expose(meta, atLeastOne(kw, splitWhitespace(args), at));
          case "add", "copy" -> copy(meta, raw, flags, args);
          case "volume" -> {
            List<String> json = JsonArgs.parse(args);
            yield new Instruction.Volume(
                meta, atLeastOne(kw, json != null ? json : splitWhitespace(args), at));
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
    List<String> words = splitWhitespace(args);
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
      if (!written.equals(name)) {
        warn("StageNameCasing", "Stage name '" + written + "' should be lowercase", at);
      }
      String fromWord = meta.keywordAsWritten();
      boolean fromUpper = fromWord.equals(fromWord.toUpperCase(Locale.ROOT));
      boolean asUpper = asWord.equals(asWord.toUpperCase(Locale.ROOT));
      if (fromUpper != asUpper) {
        warn(
            "FromAsCasing",
            "'" + asWord + "' and '" + fromWord + "' keywords' casing do not match",
            at);
      }
      if (name.equals("scratch") || name.equals("context")) {
        warn(
            "ReservedStageName",
            "'" + name + "' is reserved and should not be used as a stage name",
            at);
      }
    }
    return new Instruction.From(meta, words.get(0), name, asWord, flags.string("platform"));
  }

  private Instruction copy(Meta meta, RawInstruction raw, Flags flags, String args) {
    boolean add = raw.keyword().equals("add");
    String kw = add ? "ADD" : "COPY";
    SourcePosition at = meta.position();
    List<String> json = JsonArgs.parse(args);
    List<String> words = json != null ? json : splitWhitespace(args);
    if (words.size() < 2) {
      throw new DockerfileException(
          at, kw + " requires at least two arguments: " + kw + " <source>... <destination>");
    }
    String from = add ? null : flags.string("from");
    String checksum = add ? flags.string("checksum") : null;
    boolean keepGitDir = add && flags.bool("keep-git-dir");
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
        keepGitDir);
  }

  private Instruction arg(Meta meta, String args, SourcePosition at) {
    List<String> words = words(args);
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
      checkSecretName(name, "ARG", at);
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
    List<String> words = splitWhitespace(args);
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
    Command test = command("HEALTHCHECK CMD", rest, at, false);
    return new Instruction.Healthcheck(
        meta, test, interval, timeout, startPeriod, startInterval, retries);
  }

  private Command command(String kw, String args, SourcePosition at, boolean allowHeredoc) {
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

  private Command jsonRecommended(String kw, Command c, SourcePosition at) {
    if (!c.json()) {
      warn(
          "JSONArgsRecommended",
          "JSON arguments recommended for "
              + kw
              + " to prevent unintended behavior related to OS"
              + " signals: write "
              + kw
              + " [\"executable\", \"arg\"]",
          at);
    }
    return c;
  }

  private void checkSecretName(String name, String kw, SourcePosition at) {
    if (SECRET_NAME.matcher(name).find()
        && SECRET_NAME_ALLOWED.stream().noneMatch(name.toLowerCase(Locale.ROOT)::contains)) {
      warn(
          "SecretsUsedInArgOrEnv",
          "Do not use ARG or ENV instructions for sensitive data ("
              + kw
              + " \""
              + name
              + "\"): use RUN --mount=type=secret instead",
          at);
    }
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

  static List<String> splitWhitespace(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.strip().split("[ \t\r\n\f]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * Splits on whitespace outside quotes; an escape keeps the next character in the word. Quotes and
   * escapes stay in the words (expansion removes them later).
   */
  List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (quote == 0 && Character.isWhitespace(ch)) {
        if (any) {
          out.add(word.toString());
          word.setLength(0);
          any = false;
        }
        continue;
      }
      any = true;
      if (ch == escape && i + 1 < s.length() && quote != '\'') {
        word.append(ch).append(s.charAt(++i));
        continue;
      }
      if (quote == 0 && (ch == '\'' || ch == '"')) {
        quote = ch;
      } else if (ch == quote) {
        quote = 0;
      }
      word.append(ch);
    }
    if (any) {
      out.add(word.toString());
    }
    return out;
  }

  /** ENV and LABEL arguments; returns true for the legacy {@code key value} form. */
  private boolean nameValues(String kw, String args, SourcePosition at, List<KeyValue> out) {
    List<String> words = words(args);
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
      warn(
          "LegacyKeyValueFormat",
          "\"" + kw + " key value\" should be used as \"" + kw + " key=value\"",
          at);
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
