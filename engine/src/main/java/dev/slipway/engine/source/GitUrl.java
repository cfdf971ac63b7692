package dev.slipway.engine.source;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A git source as a Dockerfile or a build context names it, split the way BuildKit's Dockerfile
 * frontend does: the remote, and the options written after it either as a fragment ({@code
 * #ref:subdir}) or as a query ({@code ?ref=&tag=&branch=&subdir=&checksum=&keep-git-dir=
 * &submodules=}); both forms may be combined when they agree. An http(s) URL is a git source only
 * when its path ends in {@code .git}; {@code user@host:path} is ssh.
 *
 * @param remote the URL git fetches (no query, no fragment; credentials kept, never shown)
 * @param ref a branch, tag ({@code refs/tags/…} from {@code tag=}), commit, or empty
 * @param subdir the directory of the repository to use, cleaned, without a leading slash
 * @param checksum the commit (or a prefix of it) the checkout must be, or empty
 * @param keepGitDir {@code keep-git-dir=} of the query, null when not given
 * @param submodules {@code submodules=} of the query, null when not given (fetched by default)
 */
public record GitUrl(
    String remote,
    String ref,
    String subdir,
    String checksum,
    Boolean keepGitDir,
    Boolean submodules) {

  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z0-9]+)://");
  // BuildKit's implicit ssh form: user@host:path, optional ?query and #fragment
  private static final Pattern SCP =
      Pattern.compile("^[a-zA-Z0-9-_]+@[a-zA-Z0-9-.]+:[^?#]*(\\?[^#]*)?(#.*)?$");

  /**
   * The git source {@code src} names; empty when it is no git source (a local path, an http(s) URL
   * of a file). A git source with unusable options is an {@link IllegalArgumentException} saying
   * which option and how to fix it.
   */
  public static Optional<GitUrl> parse(String src) {
    var scheme = SCHEME.matcher(src);
    if (scheme.find()) {
      String protocol = scheme.group(1).toLowerCase(Locale.ROOT);
      if (!GitRemote.PROTOCOLS.contains(protocol)) {
        return Optional.empty();
      }
      if ((protocol.equals("http") || protocol.equals("https"))
          && !pathOf(src.substring(scheme.end())).endsWith(".git")) {
        return Optional.empty();
      }
    } else if (!SCP.matcher(src).matches()) {
      return Optional.empty();
    }
    int hash = src.indexOf('#');
    String beforeFragment = hash < 0 ? src : src.substring(0, hash);
    String fragment = hash < 0 ? "" : src.substring(hash + 1);
    int question = beforeFragment.indexOf('?');
    String remote = question < 0 ? beforeFragment : beforeFragment.substring(0, question);
    String query = question < 0 ? "" : beforeFragment.substring(question + 1);
    String ref = "";
    String subdir = "";
    if (!fragment.isEmpty()) {
      int colon = fragment.indexOf(':');
      ref = colon < 0 ? fragment : fragment.substring(0, colon);
      subdir = colon < 0 ? "" : cleanSubdir(fragment.substring(colon + 1));
    }
    return Optional.of(withQuery(remote, ref, subdir, query, src));
  }

  private static GitUrl withQuery(
      String remote, String ref, String subdir, String query, String src) {
    String checksum = "";
    Boolean keepGitDir = null;
    Boolean submodules = null;
    String tag = "";
    String branch = "";
    for (var option : options(query, src).entrySet()) {
      String value = option.getValue();
      switch (option.getKey()) {
        case "ref" -> ref = agreeing("ref", ref, value, src);
        case "tag" -> tag = value;
        case "branch" -> branch = value;
        case "subdir" -> subdir = agreeing("subdir", subdir, cleanSubdir(value), src);
        case "checksum", "commit" -> checksum = value;
        case "keep-git-dir" -> keepGitDir = bool("keep-git-dir", value, src);
        case "submodules" -> submodules = bool("submodules", value, src);
        default ->
            throw invalid(
                src,
                "unknown option \""
                    + option.getKey()
                    + "\" (known: ref, tag, branch, subdir, checksum, keep-git-dir, submodules)");
      }
    }
    if (!tag.isEmpty()) {
      ref = agreeing("ref", ref, tag.startsWith("refs/tags/") ? tag : "refs/tags/" + tag, src);
    }
    if (!branch.isEmpty()) {
      if (!tag.isEmpty()) {
        throw invalid(src, "branch= and tag= conflict: give one of them");
      }
      ref =
          agreeing(
              "ref", ref, branch.startsWith("refs/heads/") ? branch : "refs/heads/" + branch, src);
    }
    return new GitUrl(remote, ref, subdir, checksum, keepGitDir, submodules);
  }

  /** The query's options in order; each given once, with a value unless it is a boolean. */
  private static Map<String, String> options(String query, String src) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq), src);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), src);
      if (value.isEmpty() && !key.equals("keep-git-dir") && !key.equals("submodules")) {
        throw invalid(src, "option \"" + key + "\" has no value: write " + key + "=<value>");
      }
      if (out.put(key, value) != null) {
        throw invalid(src, "option \"" + key + "\" is given more than once: give it once");
      }
    }
    return out;
  }

  private static String agreeing(String what, String before, String now, String src) {
    if (!before.isEmpty() && !before.equals(now)) {
      throw invalid(
          src,
          what + " conflicts: \"" + before + "\" vs \"" + now + "\"; name it in one place only");
    }
    return now;
  }

  private static Boolean bool(String key, String value, String src) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "", "true", "1", "t" -> true;
      case "false", "0", "f" -> false;
      default ->
          throw invalid(src, "invalid " + key + " value \"" + value + "\": use true or false");
    };
  }

  /** The subdirectory as BuildKit cleans it: no leading slash, no dot segments. */
  private static String cleanSubdir(String subdir) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String p : subdir.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return String.join("/", parts);
  }

  private static String pathOf(String afterScheme) {
    int end = afterScheme.length();
    for (char c : new char[] {'?', '#'}) {
      int i = afterScheme.indexOf(c);
      if (i >= 0) {
        end = Math.min(end, i);
      }
    }
    String authorityAndPath = afterScheme.substring(0, end);
    int slash = authorityAndPath.indexOf('/');
    return slash < 0 ? "" : authorityAndPath.substring(slash);
  }

  private static String decode(String part, String src) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(src, "\"" + part + "\" is not valid percent-encoding");
    }
  }

  private static IllegalArgumentException invalid(String src, String why) {
    return new IllegalArgumentException("git URL " + SourceFetchException.redact(src) + ": " + why);
  }
}
