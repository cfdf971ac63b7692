package dev.slipway.engine.frontend.dockerfile.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariableExpanderTest {

  private static final Map<String, String> ENV =
      Map.of("v", "value", "empty", "", "path", "/usr/local/bin/tool.tar.gz", "x", "a-b-a-b");

  private static String expand(String word) {
    return new VariableExpander('\\').expand(word, ENV::get).value();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "$v|value",
        "${v}|value",
        "pre${v}post|prevaluepost",
        "$unset|''",
        "${unset:-word}|word",
        "${empty:-word}|word",
        "${empty-word}|''",
        "${unset-word}|word",
        "${v:+alt}|alt",
        "${empty:+alt}|''",
        "${empty+alt}|alt",
        "${unset+alt}|''",
        "${v:?boom}|value",
        "${path#*/}|usr/local/bin/tool.tar.gz",
        "${path##*/}|tool.tar.gz",
        "${path%.*}|/usr/local/bin/tool.tar",
        "${path%%.*}|/usr/local/bin/tool",
        "${x/a/c}|c-b-a-b",
        "${x//a/c}|c-b-c-b",
        "${unset:-${v}}|value",
        "'$v'|$v",
        "\"$v\"|value",
        "\"a \\\"q\\\" \\$v\"|a \"q\" $v",
        "\\$v|$v",
        "a\\ b|a b",
        "$|$",
        "$-x|x",
        "$1abc|abc",
        "$%|$%",
        "~\"${v:-\"quoted default\"}\"~|value",
      })
  void expandsLikeBuildKit(String word, String expected) {
    assertThat(expand(word)).isEqualTo(expected.equals("''") ? "" : expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "echo $v|echo value",
        "~echo \"$v\" '$v'~|~echo \"value\" '$v'~",
        "echo $unset ${unset} ${unset:-d} ${unset//a/b}|echo $unset ${unset} ${unset:-d} ${unset//a/b}",
        "echo ${empty:-d} ${v%e}|echo d valu",
        "echo \\$v|echo $v",
      })
  void keepsQuotesAndUndefinedReferencesForDisplay(String text, String expected) {
    assertThat(new VariableExpander('\\').expandKeepingQuotes(text, ENV::get)).isEqualTo(expected);
  }

  @Test
  void reportsUndefinedNamesButNotThoseWithDefaults() {
    var r = new VariableExpander('\\').expand("$a ${b:-x} ${c}", ENV::get);
    assertThat(r.undefined()).containsExactly("a", "c");
  }

  @Test
  void backtickEscapeLeavesBackslashesAlone() {
    var r = new VariableExpander('`').expand("C:\\path `$v $v", ENV::get);
    assertThat(r.value()).isEqualTo("C:\\path $v value");
  }

  @Test
  void errorsAreTyped() {
    assertThatThrownBy(() -> expand("${unset:?must be set}"))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessage("unset: must be set");
    assertThatThrownBy(() -> expand("${v"))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessageContaining("}");
    assertThatThrownBy(() -> expand("'open"))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessageContaining("single-quote");
    assertThatThrownBy(() -> expand("${v!x}"))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessageContaining("unsupported modifier");
    assertThatThrownBy(() -> expand("${:-x}"))
        .isInstanceOf(VariableExpander.ExpansionException.class);
    // differential case expand/replace-without-replacement
    assertThatThrownBy(() -> expand("${x//-}"))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessageContaining("missing '/'")
        .hasMessageContaining("${x/pattern/}");
    assertThat(expand("${x//-/}")).isEqualTo("abab");
  }

  @Test
  void patternsAreBuildKitsStarAndQuestionMarkWithRawEscapes() {
    // differential cases expand/pattern-*: no [...] classes; \\* is a literal star
    Map<String, String> env = Map.of("s", "*star*", "b", "[a]bc", "p", "a/b/c", "d", "a-b");
    VariableExpander e = new VariableExpander('\\');
    assertThat(e.expand("${s#\\*} ${s%\\*} ${s#*s}", env::get).value())
        .isEqualTo("star* *star tar*");
    assertThat(e.expand("${b#[a]} ${b#[ab]} ${b#?}", env::get).value()).isEqualTo("bc [a]bc a]bc");
    assertThat(e.expand("${p//\\//_} ${p#a/} ${p%%/*}", env::get).value()).isEqualTo("a_b_c b/c a");
    assertThatThrownBy(() -> e.expand("${p:#a/}", env::get))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessageContaining("unsupported modifier");
    assertThat(e.expand("${d/-/\\\\}", env::get).value()).isEqualTo("a\\\\b");
    assertThatThrownBy(() -> e.expand("${s#\\a}", env::get))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessageContaining("invalid escape '\\a'");
  }

  @Test
  void namesMayHoldLettersOfAnyScript() {
    // differential cases arg/unicode-name, env/unicode-name
    Map<String, String> env = Map.of("ÉTÉ", "summer", "ÄB", "1");
    VariableExpander e = new VariableExpander('\\');
    assertThat(e.expand("[$ÉTÉ] [${ÉTÉ}] $ÄB-x", env::get).value())
        .isEqualTo("[summer] [summer] 1-x");
  }

  @Test
  void splitsWordsAtUnquotedWhitespaceIncludingWhatAValueBrings() {
    Map<String, String> env = Map.of("p", "80  443/udp", "q", "x y");
    VariableExpander e = new VariableExpander('\\');
    assertThat(e.expandWords("$p", env::get).words()).containsExactly("80", "443/udp");
    assertThat(e.expandWords("\"$q\" a\\ b '$q'", env::get).words())
        .containsExactly("x y", "a b", "$q");
    assertThat(e.expandWords("pre$q", env::get).words()).containsExactly("prex", "y");
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "${a:-".repeat(10_000) + "x" + "}".repeat(10_000);
    assertThatThrownBy(() -> expand(deep))
        .isInstanceOf(VariableExpander.ExpansionException.class)
        .hasMessageContaining("nested");
  }
}
