package dev.slipway.engine.source;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git remote and ref that a build (a Dockerfile or a SolveRequest) names, checked before git sees
 * them: only network transports git itself can talk (https, http, ssh, git, and scp-like {@code
 * user@host:path}), never a local path, {@code file://}, or a transport helper such as {@code
 * ext::} (which runs a command); and a ref that git cannot read as an option.
 *
 * @param url the URL as given (credentials included: never show it, show {@link #shown()})
 * @param protocol git's name of the transport ({@code protocol.<name>.allow})
 */
public record GitRemote(String url, String protocol) {

  /** The transports git is allowed to use, for the remote and for its submodules. */
  public static final Set<String> PROTOCOLS = Set.of("https", "http", "ssh", "git");

  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://([^/]*)");
  // The user-info of a scheme URL: up to the authority's last '@', as parse() finds the host.
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/]*)@");
  // scp-like syntax as git reads it: a colon before any slash, e.g. git@github.com:org/repo.git
  private static final Pattern SCP = Pattern.compile("^(?:[^@/:]+@)?([^@/:]+):(.*)$");
  // What git would read in a ref as revision syntax, a refspec or an option.
  private static final Pattern BAD_REF =
      Pattern.compile("[\\x00-\\x20\\x7f~^:?*\\[\\\\]|\\.\\.|@\\{");

  public GitRemote {
    protocol = protocol.toLowerCase(Locale.ROOT);
  }

  /** Checks {@code url}; a refusal says what was wrong and what to use instead. */
  public static GitRemote parse(String url) {
    if (url == null || url.isBlank()) {
      throw refused(url, "it is empty");
    }
    if (url.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw refused(url, "it contains control characters");
    }
    if (url.startsWith("-")) {
      throw refused(url, "it starts with '-', which git would read as an option");
    }
    Matcher scheme = SCHEME.matcher(url);
    if (scheme.find()) {
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      String protocol = name.equals("git+ssh") || name.equals("ssh+git") ? "ssh" : name;
      if (!PROTOCOLS.contains(protocol)) {
        throw refused(url, "the " + name + ":// transport is not allowed");
      }
      String authority = scheme.group(2);
      String host = authority.substring(authority.lastIndexOf('@') + 1);
      if (host.isEmpty() || host.startsWith("-")) {
        throw refused(url, "it names no host, or a host starting with '-'");
      }
      return new GitRemote(url, protocol);
    }
    if (url.contains("::")) {
      throw refused(
          url, "it names a transport helper (<transport>::<address>), which runs a command");
    }
    Matcher scp = SCP.matcher(url);
    if (scp.matches() && !scp.group(1).startsWith("-") && !scp.group(1).isEmpty()) {
      return new GitRemote(url, "ssh");
    }
    throw refused(url, "it is a local path, not a remote");
  }

  /** Checks a branch, tag or commit (empty: the remote's default branch). */
  public static String checkRef(String ref, String url) {
    if (ref == null || ref.isEmpty()) {
      return "";
    }
    if (ref.startsWith("-")) {
      throw new SourceFetchException(
          "git ref \""
              + ref
              + "\" of "
              + SourceFetchException.redact(url)
              + " is refused: it starts with '-', which git would read as an option; name a"
              + " branch, tag or commit");
    }
    if (BAD_REF.matcher(ref).find() || ref.endsWith("/") || ref.endsWith(".lock")) {
      throw new SourceFetchException(
          "git ref \""
              + ref.replaceAll("[\\x00-\\x1f\\x7f]", "?")
              + "\" of "
              + SourceFetchException.redact(url)
              + " is not a valid ref name; name a branch, tag or commit");
    }
    return ref;
  }

  /** The URL as it may be shown: without credentials. */
  public String shown() {
    return SourceFetchException.redact(url);
  }

  /** The URL without user-info, the key of git's {@code http.<url>.*} settings. */
  String withoutUserInfo() {
    Matcher m = USER_INFO.matcher(url);
    return m.find() ? m.group(1) + url.substring(m.end()) : url;
  }

  /**
   * The URL git records as the remote (in {@code .git/config} and {@code FETCH_HEAD}, which a kept
   * git dir puts into a layer): no secret in it. An ssh remote keeps its user name (the login, not
   * a secret, and ssh needs it) without any password; every other loses its user-info, which goes
   * as a header instead ({@link #userInfo()}).
   */
  String recorded() {
    Matcher m = USER_INFO.matcher(url);
    if (!m.find()) {
      return url;
    }
    if (protocol.equals("ssh")) {
      String user = m.group(2);
      int colon = user.indexOf(':');
      return m.group(1)
          + (colon < 0 ? user : user.substring(0, colon))
          + url.substring(m.end() - 1);
    }
    return withoutUserInfo();
  }

  /** The {@code user:password} a scheme URL carries (percent-decoded, as git reads it), if any. */
  Optional<String> userInfo() {
    Matcher m = USER_INFO.matcher(url);
    if (!m.find()) {
      return Optional.empty();
    }
    String info = m.group(2);
    int colon = info.indexOf(':');
    return Optional.of(
        colon < 0
            ? decode(info) + ":"
            : decode(info.substring(0, colon)) + ":" + decode(info.substring(colon + 1)));
  }

  private static String decode(String part) {
    try {
      // URLDecoder reads '+' as a space, which user-info does not: keep it a plus
      return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notEncoded) {
      return part; // a stray '%': git sends it as written
    }
  }

  boolean isHttp() {
    return protocol.equals("http") || protocol.equals("https");
  }

  private static SourceFetchException refused(String url, String why) {
    return new SourceFetchException(
        "git URL "
            + (url == null
                ? "(none)"
                : SourceFetchException.redact(url).replaceAll("[\\x00-\\x1f\\x7f]", "?"))
            + " is refused: "
            + why
            + "; use an https://, http://, ssh://, git:// or user@host:path URL");
  }
}
