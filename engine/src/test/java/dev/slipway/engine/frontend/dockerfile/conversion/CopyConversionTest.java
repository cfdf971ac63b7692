package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.SourceOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COPY and ADD graphs: context sources, --link, URLs, git, archives, heredocs. */
class CopyConversionTest extends ConversionTestSupport {

  @Test
  void copyReadsOnlyItsSourcesFromTheContextMinusIgnoredFiles() {
    BuildDefinition d =
        DockerfileFrontend.convert(
            request("FROM a\nWORKDIR /app\nCOPY --exclude=*.md src/ pkg/*.json ./\n")
                .ignorePatterns(List.of("**/*.log", "!keep.log"))
                .build());
    FileOp copy = (FileOp) d.root();
    FileAction.Copy first = (FileAction.Copy) copy.actions().get(0);
    SourceOp.Context ctx = (SourceOp.Context) first.source();
    assertThat(ctx.includePatterns()).containsExactly("src", "pkg/*.json");
    assertThat(ctx.excludePatterns()).containsExactly("**/*.log", "!keep.log", "*.md");
    assertThat(first.sourcePaths()).containsExactly("/src");
    assertThat(first.dest()).isEqualTo("/app/");
    assertThat(first.allowWildcard()).isTrue();
    assertThat(first.excludes()).containsExactly("*.md");
    assertThat(((FileAction.Copy) copy.actions().get(1)).sourcePaths())
        .containsExactly("/pkg/*.json");
    FileOp workdir = (FileOp) copy.base();
    assertThat(workdir.actions())
        .containsExactly(new FileAction.Mkdir("/app", 0755, null, null, true));
  }

  @Test
  void copyLinkBuildsOnScratchAndMerges() {
    BuildDefinition d = convert("FROM a\nCOPY --link --chown=app:grp --chmod=0640 f /f\n");
    MergeOp merge = (MergeOp) d.root();
    assertThat(merge.inputs().get(0)).isInstanceOf(SourceOp.Image.class);
    FileOp layer = (FileOp) merge.inputs().get(1);
    assertThat(layer.base()).isInstanceOf(SourceOp.Scratch.class);
    FileAction.Copy c = (FileAction.Copy) layer.actions().get(0);
    assertThat(c.chownUser()).isEqualTo("app");
    assertThat(c.chownGroup()).isEqualTo("grp");
    assertThat(c.chmod()).isEqualTo("0640");
    assertThat(layer.name()).isEqualTo("[2/2] COPY --link --chown=app:grp --chmod=0640 f /f");
    assertThat(merge.name()).isEqualTo("[2/2] LINK COPY --link --chown=app:grp --chmod=0640 f /f");
  }

  /** differential add/url-existing-dir-no-slash: an existing directory receives the URL's name. */
  @Test
  void addOfAUrlDownloadsUnderTheUrlNameAndCopiesToTheDestinationAsWritten() {
    FileOp op = (FileOp) convert("FROM a\nADD http://h.example/d/hello.txt?x=1 /exists\n").root();
    FileAction.Copy c = (FileAction.Copy) op.actions().get(0);
    assertThat(((SourceOp.Http) c.source()).filename()).isEqualTo("hello.txt");
    assertThat(c.sourcePaths()).containsExactly("/hello.txt");
    assertThat(c.dest()).isEqualTo("/exists");
  }

  /** differential stage/copy-from-arg and stage/copy-from-global-arg. */
  @Test
  void copyFromRefusesVariablesEvenGlobalOnes() {
    for (String df :
        List.of(
            "FROM a AS src\nFROM a\nARG S=src\nCOPY --from=$S /x /x\n",
            "ARG S=src\nFROM a AS src\nFROM a\nCOPY --from=${S} /x /x\n")) {
      assertThatThrownBy(() -> convert(df))
          .isInstanceOf(DockerfileException.class)
          // FromReferences refuses it for every stage before any is converted
          .hasMessageContaining("variable expansion is not supported in --from=")
          .hasMessageContaining("FROM <image-or-stage-using-a-global-ARG> AS <alias>");
    }
    assertThat(convert("FROM a AS src\nRUN x\nFROM a\nCOPY --from=src /x /x\n").root())
        .isInstanceOf(FileOp.class);
  }

  @Test
  void addDownloadsUrlsClonesGitAndUnpacksLocalArchives() {
    BuildDefinition d =
        convert(
            "FROM a\nADD --checksum=sha256:0123 https://h.example/x/file.tgz /d/\nADD https://h.example/r.git#v1:sub /src\nADD app.tar.gz /opt/\n");
    FileOp local = (FileOp) d.root();
    assertThat(((FileAction.Copy) local.actions().get(0)).attemptUnpack()).isTrue();
    FileOp git = (FileOp) local.base();
    SourceOp.Git g = (SourceOp.Git) ((FileAction.Copy) git.actions().get(0)).source();
    assertThat(g.url()).isEqualTo("https://h.example/r.git");
    assertThat(g.ref()).isEqualTo("v1");
    assertThat(g.subdir()).isEqualTo("sub");
    FileOp http = (FileOp) git.base();
    FileAction.Copy hc = (FileAction.Copy) http.actions().get(0);
    SourceOp.Http h = (SourceOp.Http) hc.source();
    assertThat(h.filename()).isEqualTo("file.tgz");
    assertThat(h.checksum()).isEqualTo("sha256:0123");
    assertThat(hc.attemptUnpack()).isFalse();
    assertThatThrownBy(() -> convert("FROM a\nCOPY https://h.example/f /f\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("URL for COPY");
    assertThatThrownBy(() -> convert("FROM a\nADD --checksum=sha256:1 local /f\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("--checksum");
  }

  @Test
  void addReadsGitQueryUrlsAndMergesThemWithItsFlags() {
    BuildDefinition d =
        convert(
            "FROM a\nARG C=abc123\nADD --checksum=$C https://h.example/r.git?tag=v1&subdir=s"
                + "&submodules=false /src\n");
    FileOp add = (FileOp) d.root();
    SourceOp.Git g = (SourceOp.Git) ((FileAction.Copy) add.actions().get(0)).source();
    assertThat(g.url()).isEqualTo("https://h.example/r.git");
    assertThat(g.ref()).isEqualTo("refs/tags/v1");
    assertThat(g.subdir()).isEqualTo("s");
    assertThat(g.checksum()).isEqualTo("abc123");
    assertThat(g.submodules()).isFalse();
    assertThat(g.keepGitDir()).isFalse();
    SourceOp.Git kept =
        (SourceOp.Git)
            ((FileAction.Copy)
                    ((FileOp)
                            convert("FROM a\nADD --keep-git-dir https://h.example/r.git#main /s\n")
                                .root())
                        .actions()
                        .get(0))
                .source();
    assertThat(kept.keepGitDir()).isTrue();
    assertThat(kept.checksum()).as("no checksum: any commit").isEmpty();
    assertThatThrownBy(() -> convert("FROM a\nCOPY https://h.example/r.git?ref=v1 /s\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("COPY cannot read a git repository");
    assertThatThrownBy(() -> convert("FROM a\nADD https://h.example/r.git?ref=a#b /s\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("Dockerfile:2")
        .hasMessageContaining("ref conflicts");
  }

  @Test
  void unpackDecidesForLocalArchivesAndUrls() {
    FileOp d =
        (FileOp)
            convert(
                    "FROM a\nADD --unpack=true https://h.example/a.tgz /u/\n"
                        + "ADD --unpack=false a.tgz /l/\n")
                .root();
    assertThat(((FileAction.Copy) d.actions().get(0)).attemptUnpack()).isFalse();
    FileOp url = (FileOp) d.base();
    assertThat(((FileAction.Copy) url.actions().get(0)).attemptUnpack()).isTrue();
    assertThatThrownBy(() -> convert("FROM a\nCOPY --unpack=true a.tgz /l/\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("unknown flag: --unpack");
    assertThatThrownBy(() -> convert("FROM a\nADD --unpack=maybe a.tgz /l/\n"))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining("expecting boolean value for flag --unpack");
  }

  @Test
  void heredocCopyExpandsUnlessTheDelimiterIsQuoted() {
    BuildDefinition d =
        convert(
            "FROM a\nARG NAME=world\nCOPY <<EOT /expanded\nhi $NAME\nEOT\nCOPY <<'EOT' /literal\nhi $NAME\nEOT\n");
    FileOp literal = (FileOp) d.root();
    FileOp expanded = (FileOp) literal.base();
    assertThat(mkfile(expanded).data()).isEqualTo("hi world\n");
    assertThat(mkfile(literal).data()).isEqualTo("hi $NAME\n");
    assertThat(((FileAction.Copy) expanded.actions().get(0)).dest()).isEqualTo("/expanded");
  }

  private static FileAction.Mkfile mkfile(FileOp op) {
    FileOp file = (FileOp) ((FileAction.Copy) op.actions().get(0)).source();
    return (FileAction.Mkfile) file.actions().get(0);
  }
}
