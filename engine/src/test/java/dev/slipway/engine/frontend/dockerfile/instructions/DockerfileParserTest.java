package dev.slipway.engine.frontend.dockerfile.instructions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.parser.Heredoc;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {

  private static Dockerfile parse(String text) {
    return Dockerfile.parse("Dockerfile", text);
  }

  private static List<Instruction> commands(String text) {
    return parse(text).stages().get(0).commands();
  }

  private static DockerfileException error(String text) {
    try {
      parse(text);
    } catch (DockerfileException e) {
      return e;
    }
    throw new AssertionError("expected a DockerfileException for:\n" + text);
  }

  @Test
  void readsDirectivesUntilTheFirstOtherLine() {
    Dockerfile df =
        parse(
            "# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=JSONArgsRecommended;error=true\nFROM scratch\n");
    assertThat(df.directives().syntax()).isEqualTo("docker/dockerfile:1");
    assertThat(df.directives().escape()).isEqualTo('`');
    assertThat(df.directives().checks().skipped()).containsExactly("jsonargsrecommended");
    assertThat(df.directives().checks().errors()).isTrue();
  }

  @Test
  void anUnknownDirectiveEndsTheDirectiveBlock() {
    Dockerfile df = parse("# unknown=1\n# escape=`\nFROM scratch\n");
    assertThat(df.directives().escape()).isEqualTo('\\');
  }

  @Test
  void invalidOrRepeatedDirectivesAreRejectedWithTheirLine() {
    DockerfileException e = error("# escape=x\nFROM scratch\n");
    assertThat(e.position()).isEqualTo(new SourcePosition("Dockerfile", 1, 1));
    assertThat(e.getMessage()).contains("invalid escape token 'x'");
    assertThat(error("# escape=\\\n# escape=`\nFROM scratch\n").position().line()).isEqualTo(2);
  }

  @Test
  void backtickEscapeContinuesLinesAndKeepsBackslashes() {
    List<Instruction> c =
        commands("# escape=`\nFROM scratch\nRUN echo hello `\n    world\nENV P=C:\\Users\\me\n");
    assertThat(((Instruction.Run) c.get(0)).command().args())
        .containsExactly("echo hello     world");
    assertThat(((Instruction.Env) c.get(1)).pairs())
        .containsExactly(new Instruction.KeyValue("P", "C:\\Users\\me"));
  }

  @Test
  void windowsStyleFileWithBacktickEscapeAndCrlfLineEnds() {
    Dockerfile df =
        parse(
            "# escape=`\r\nFROM scratch\r\nCOPY C:\\src\\app.exe `\r\n   C:\\app\\\r\nRUN dir c:\\\r\n");
    Instruction.Copy copy = (Instruction.Copy) df.stages().get(0).commands().get(0);
    assertThat(copy.sources()).containsExactly("C:\\src\\app.exe");
    assertThat(copy.dest()).isEqualTo("C:\\app\\");
    Instruction.Run run = (Instruction.Run) df.stages().get(0).commands().get(1);
    assertThat(run.command().args()).containsExactly("dir c:\\");
  }

  @Test
  void continuationsSkipCommentsAndEmptyLinesAndWarnAboutEmptyOnes() {
    Dockerfile df =
        parse(
            "FROM scratch\nRUN echo one \\\n# comment\n  # indented\n    two \\\n\n    three \\   \n    four\n");
    Instruction.Run run = (Instruction.Run) df.stages().get(0).commands().get(0);
    assertThat(run.command().args()).containsExactly("echo one     two     three     four");
    assertThat(run.meta().position().line()).isEqualTo(2);
    assertThat(run.meta().endLine()).isEqualTo(8);
    assertThat(df.warnings()).extracting(BuildWarning::rule).contains("NoEmptyContinuation");
  }

  @Test
  void keywordsAreCaseInsensitiveAndIndentedCommentsIgnored() {
    Dockerfile df = parse("   # comment\nfrom scratch\n\t# tab comment\ncOpY a b\n");
    assertThat(df.stages().get(0).commands().get(0)).isInstanceOf(Instruction.Copy.class);
    assertThat(df.warnings())
        .extracting(BuildWarning::rule)
        .contains("ConsistentInstructionCasing");
  }

  @Test
  void jsonFormOnlyForAValidStringArrayElseShellForm() {
    List<Instruction> c =
        commands(
            "FROM scratch\nCMD [\"a\", \"b c\"]\nCMD [a, b]\nENTRYPOINT [\"x\", 1]\nRUN [\"echo\",\"\\u0041\\n\"]\n");
    assertThat(((Instruction.Cmd) c.get(0)).command())
        .isEqualTo(new Instruction.Command(List.of("a", "b c"), true));
    assertThat(((Instruction.Cmd) c.get(1)).command())
        .isEqualTo(new Instruction.Command(List.of("[a, b]"), false));
    assertThat(((Instruction.Entrypoint) c.get(2)).command().json()).isFalse();
    assertThat(((Instruction.Run) c.get(3)).command().args()).containsExactly("echo", "A\n");
  }

  @Test
  void flagsAreSplitOffWithQuotesResolved() {
    Instruction.Copy copy =
        (Instruction.Copy)
            commands(
                    "FROM scratch\nCOPY --from=build --chown=\"1:2\" --chmod=755 --link --parents --exclude=*.md --exclude=x a b /dst/\n")
                .get(0);
    assertThat(copy.from()).isEqualTo("build");
    assertThat(copy.chown()).isEqualTo("1:2");
    assertThat(copy.chmod()).isEqualTo("755");
    assertThat(copy.link()).isTrue();
    assertThat(copy.parents()).isTrue();
    assertThat(copy.excludes()).containsExactly("*.md", "x");
    assertThat(copy.sources()).containsExactly("a", "b");
    assertThat(copy.dest()).isEqualTo("/dst/");
    Instruction.Copy add =
        (Instruction.Copy)
            commands("FROM scratch\nADD --checksum=sha256:abc --keep-git-dir=true u /d\n").get(0);
    assertThat(add.add()).isTrue();
    assertThat(add.checksum()).isEqualTo("sha256:abc");
    assertThat(add.keepGitDir()).isTrue();
    Instruction.Run run =
        (Instruction.Run)
            commands(
                    "FROM scratch\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none --security=insecure make\n")
                .get(0);
    assertThat(run.mounts()).containsExactly("type=cache,target=/c", "type=tmpfs,target=/t");
    assertThat(run.network()).isEqualTo("none");
    assertThat(run.security()).isEqualTo("insecure");
    Instruction.From from =
        parse("FROM --platform=$BUILDPLATFORM img AS b\n").stages().get(0).from();
    assertThat(from.platform()).isEqualTo("$BUILDPLATFORM");
  }

  @Test
  void unknownOrMisusedFlagsAreErrors() {
    assertThat(error("FROM scratch\nCOPY --chmown=1 a b\n").getMessage())
        .contains("unknown flag: --chmown");
    assertThat(error("FROM scratch\nADD --from=x a b\n").getMessage())
        .contains("unknown flag: --from");
    assertThat(error("FROM scratch\nCOPY --from a b\n").getMessage()).contains("missing a value");
    assertThat(error("FROM scratch\nCOPY --link=maybe a b\n").getMessage()).contains("boolean");
    assertThat(error("FROM scratch\nENV --x=1\n").getMessage()).contains("unknown flag");
  }

  @Test
  void heredocsOfRunAndCopyIncludingSeveralOnOneLine() {
    List<Instruction> c =
        commands(
            "FROM scratch\nRUN <<EOT\necho a\nEOT\nCOPY <<\"A\" <<-B /d/\n$x\nA\n\tindented\n\tB\nRUN cat <<'EOF' > /f\nliteral $HOME\nEOF\n");
    Instruction.Run run = (Instruction.Run) c.get(0);
    assertThat(run.heredocs()).containsExactly(new Heredoc("EOT", "echo a\n", true, false));
    Instruction.Copy copy = (Instruction.Copy) c.get(1);
    assertThat(copy.heredocs())
        .containsExactly(
            new Heredoc("A", "$x\n", false, false), new Heredoc("B", "indented\n", true, true));
    assertThat(copy.meta().endLine()).isEqualTo(9);
    Instruction.Run cat = (Instruction.Run) c.get(2);
    assertThat(cat.heredocs().get(0).expand()).isFalse();
    assertThat(cat.command().args()).containsExactly("cat <<'EOF' > /f");
  }

  @Test
  void unterminatedHeredocIsAnError() {
    assertThat(error("FROM scratch\nRUN <<EOT\necho\n").getMessage())
        .contains("unterminated heredoc <<EOT");
  }

  @Test
  void envAndLabelFormsIncludingLegacy() {
    List<Instruction> c =
        commands(
            "FROM scratch\nENV A value with   spaces\nENV B=1 C=\"two words\" D=x\\ y\nLABEL \"k\"=\"v\" e=\n");
    Instruction.Env legacy = (Instruction.Env) c.get(0);
    assertThat(legacy.legacyForm()).isTrue();
    assertThat(legacy.pairs())
        .containsExactly(new Instruction.KeyValue("A", "value with   spaces"));
    assertThat(((Instruction.Env) c.get(1)).pairs())
        .containsExactly(
            new Instruction.KeyValue("B", "1"),
            new Instruction.KeyValue("C", "\"two words\""),
            new Instruction.KeyValue("D", "x\\ y"));
    assertThat(((Instruction.Label) c.get(2)).pairs())
        .containsExactly(
            new Instruction.KeyValue("\"k\"", "\"v\""), new Instruction.KeyValue("e", ""));
    assertThat(error("FROM scratch\nENV A=1 B\n").getMessage()).contains("can't find =");
    assertThat(error("FROM scratch\nENV ONLY\n").getMessage()).contains("needs a value");
  }

  @Test
  void stagesMetaArgsAndNames() {
    Dockerfile df = parse("ARG V=1\nARG A B=2\nFROM img AS Build\nRUN x\nFROM build\n");
    assertThat(df.metaArgs()).hasSize(2);
    assertThat(df.metaArgs().get(1).args())
        .containsExactly(new Instruction.ArgDecl("A", null), new Instruction.ArgDecl("B", "2"));
    assertThat(df.stages()).extracting(Stage::name).containsExactly("build", null);
    assertThat(df.stages().get(1).label()).isEqualTo("stage-1");
    assertThat(df.warnings()).extracting(BuildWarning::rule).contains("StageNameCasing");
  }

  /** differential stage/name-reused*: BuildKit warns and keeps both stages. */
  @Test
  void aReusedStageNameIsAWarningNotAnError() {
    Dockerfile df = parse("FROM a AS x\nFROM b AS X\n");
    assertThat(df.stages()).hasSize(2);
    assertThat(df.warnings())
        .filteredOn(w -> w.rule().equals("DuplicateStageName"))
        .singleElement()
        .satisfies(w -> assertThat(w.position().line()).isEqualTo(2))
        .satisfies(w -> assertThat(w.message()).contains("\"x\""));
  }

  @Test
  void structuralErrorsHavePositions() {
    DockerfileException e = error("FROM scratch\n  BOGUS x\n");
    assertThat(e.position()).isEqualTo(new SourcePosition("Dockerfile", 2, 3));
    assertThat(e.getMessage()).startsWith("Dockerfile:2:3: unknown instruction: BOGUS");
    assertThat(error("RUN x\nFROM scratch\n").getMessage())
        .contains("only ARG may come before FROM");
    assertThat(error("").getMessage()).contains("no build stage");
    assertThat(error("FROM a b\n").getMessage()).contains("one or three arguments");
    assertThat(error("FROM a AS 1x\n").getMessage()).contains("invalid name for build stage");
    assertThat(error("FROM a\nSHELL sh -c\n").getMessage()).contains("JSON form");
    assertThat(error("FROM a\nCOPY onlyone\n").getMessage()).contains("at least two arguments");
    assertThat(error("FROM a\nONBUILD ONBUILD RUN x\n").getMessage()).contains("ONBUILD ONBUILD");
    assertThat(error("FROM a\nONBUILD FROM b\n").getMessage())
        .contains("isn't allowed as an ONBUILD trigger");
    assertThat(error("FROM a\nHEALTHCHECK BOGUS x\n").getMessage()).contains("HEALTHCHECK");
    assertThat(error("FROM a\nHEALTHCHECK NONE x\n").getMessage()).contains("takes no arguments");
    assertThat(error("FROM a\nWORKDIR\n").getMessage()).contains("exactly one argument");
  }

  @Test
  void buildChecksFoundWhileParsing() {
    Dockerfile df =
        parse(
            "FROM a as B\nMAINTAINER me\nCMD echo\nCMD [\"x\"]\nENV SECRET_TOKEN=x\nLABEL k v\nFROM a AS scratch\n");
    assertThat(df.warnings())
        .extracting(BuildWarning::rule)
        .contains(
            "FromAsCasing",
            "StageNameCasing",
            "MaintainerDeprecated",
            "JSONArgsRecommended",
            "MultipleInstructionsDisallowed",
            "SecretsUsedInArgOrEnv",
            "LegacyKeyValueFormat",
            "ReservedStageName");
  }

  @Test
  void aDuplicateStageNameIsAWarningAndTheLaterStageOwnsTheName() {
    Dockerfile df = parse("FROM a AS x\nFROM b AS X\n");
    assertThat(df.warnings())
        .filteredOn(w -> w.rule().equals("DuplicateStageName"))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.message())
                  .isEqualTo("Duplicate stage name \"x\", stage names should be unique");
              assertThat(w.position().line()).isEqualTo(2);
            });
    assertThat(df.warnings()).allSatisfy(w -> assertThat(w.position().line()).isPositive());
  }
}
