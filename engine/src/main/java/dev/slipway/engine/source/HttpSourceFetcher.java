package dev.slipway.engine.source;

import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.TransferMeter;
import dev.slipway.engine.job.TransferScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads the file of an {@code ADD http(s)://...} into a directory, as BuildKit's http source
 * does: named by the ADD destination, else by the response's Content-Disposition, else by the URL's
 * last path segment; mode 0600 unless {@code --chmod}; mtime from Last-Modified; {@code --checksum}
 * verified before the file appears (it is written to a temporary name first).
 *
 * <p>What a URL may make the builder do is bounded: only http and https, at most {@value
 * #MAX_REDIRECTS} redirects (each checked as the first URL), the body streamed to disk while it is
 * hashed (never held in memory) and refused beyond {@code maxBytes}. Credentials in the URL's
 * user-info are sent as basic auth to that URL's origin only, never after a redirect to another
 * one, and are never shown ({@link UrlCredentials}).
 */
public final class HttpSourceFetcher implements AutoCloseable {

  static final int MAX_REDIRECTS = 10;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private static final Pattern DISPOSITION_NAME =
      Pattern.compile("filename\\*?=(?:UTF-8'')?\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

  /** A downloaded file, its content digest ({@code sha256:...}) and size. */
  public record Download(Path file, String digest, long size) {}

  /** How long a download may receive nothing before it fails. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(2);

  private final long maxBytes;
  private final Duration stallTimeout;

  // Made on the first download: a client starts a selector thread that sits in a native call, and
  // the JVM waits 300 ms at exit for such threads, so builds without ADD <url> should not have one.
  private HttpClient client;
  private boolean closed;

  /** A fetcher whose downloads fail after {@link #DEFAULT_STALL_TIMEOUT} without data. */
  public HttpSourceFetcher(long maxBytes) {
    this(maxBytes, DEFAULT_STALL_TIMEOUT);
  }

  /**
   * @param maxBytes the largest body a download may have
   * @param stallTimeout how long a download may receive nothing (headers or body) before it fails
   */
  public HttpSourceFetcher(long maxBytes, Duration stallTimeout) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, not " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.stallTimeout = stallTimeout;
  }

  private synchronized HttpClient client() {
    if (closed) {
      throw new SourceFetchException("the engine is shutting down; run the build again");
    }
    if (client == null) {
      client =
          HttpClient.newBuilder()
              // Redirects are followed here, one checked hop at a time.
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(30))
              .build();
    }
    return client;
  }

  /**
   * What a download's progress shows: the URL without user-info, query or fragment, which may hold
   * credentials or signed tokens.
   */
  static String transferName(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + path;
  }

  /** Downloads {@code source} into the existing directory {@code into}. */
  public Download fetch(SourceOp.Http source, Path into) throws InterruptedException {
    return fetch(source, into, TransferScope.NONE);
  }

  /**
   * Downloads {@code source} into the existing directory {@code into}, its bytes counted in {@code
   * transfers} (under the URL without its credentials).
   */
  public Download fetch(SourceOp.Http source, Path into, TransferScope transfers)
      throws InterruptedException {
    String shown = SourceFetchException.redact(source.url());
    URI first = httpUri(source.url(), shown);
    Optional<String> authorization = basicAuth(first);
    Path tmp = null;
    try {
      HttpResponse<InputStream> response = follow(first, authorization, shown);
      try (InputStream body = response.body()) {
        if (response.statusCode() / 100 != 2) {
          throw new SourceFetchException(
              "downloading "
                  + shown
                  + " failed: the server answered "
                  + response.statusCode()
                  + "; check the URL");
        }
        long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (announced > maxBytes) {
          throw tooLarge(shown, announced + " bytes");
        }
        String name = fileName(source, response);
        tmp = Files.createTempFile(into, ".download-", ".tmp");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long size = 0;
        String named = transferName(first);
        TransferMeter meter =
            transfers.start(TransferKind.TRANSFER_KIND_PULL, named, named, Math.max(0, announced));
        try (StallWatch watch = new StallWatch(stallTimeout)) {
          try (OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = body.read(buf)) > 0) {
              watch.progress();
              size += n;
              if (size > maxBytes) {
                throw tooLarge(shown, "more than " + maxBytes + " bytes");
              }
              sha256.update(buf, 0, n);
              out.write(buf, 0, n);
              meter.add(n);
            }
          } catch (IOException e) {
            if (watch.fired()) {
              throw new SourceFetchException(
                  "downloading "
                      + shown
                      + " failed: the server sent nothing for "
                      + stallTimeout.toSeconds()
                      + "s after "
                      + size
                      + " bytes; check the server, or download from another");
            }
            throw e;
          }
        }
        meter.complete();
        String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
        if (source.checksum() != null && !source.checksum().equalsIgnoreCase(actual)) {
          throw new SourceFetchException(
              "checksum mismatch for "
                  + shown
                  + ": expected "
                  + source.checksum()
                  + ", got "
                  + actual
                  + "; fix --checksum or the URL");
        }
        Files.setPosixFilePermissions(
            tmp, permissions(source.chmod() == null ? 0600 : source.chmod()));
        Optional<FileTime> lastModified = lastModified(response);
        if (lastModified.isPresent()) {
          Files.setLastModifiedTime(tmp, lastModified.get());
        }
        Path target = into.resolve(name);
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
        return new Download(target, actual, size);
      }
    } catch (java.net.http.HttpTimeoutException e) {
      throw new SourceFetchException(
          "downloading "
              + shown
              + " failed: the server did not answer within "
              + stallTimeout.toSeconds()
              + "s; check the server, or download from another");
    } catch (IOException e) {
      throw new SourceFetchException(
          "downloading "
              + shown
              + " failed: "
              + e.getClass().getSimpleName()
              + ": "
              + UrlCredentials.redact(e.getMessage()),
          e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The directory is the vertex's scratch space, removed with it.
        }
      }
    }
  }

  /**
   * Sends the GET and follows redirects, each target checked as the first URL was; the
   * Authorization header goes only to the origin (scheme, host, port) the credentials were given
   * for.
   */
  private HttpResponse<InputStream> follow(URI first, Optional<String> authorization, String shown)
      throws IOException, InterruptedException {
    URI uri = first;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(withoutUserInfo(uri)).GET().timeout(stallTimeout);
      if (authorization.isPresent() && sameOrigin(uri, first)) {
        request.header("Authorization", authorization.get());
      }
      HttpResponse<InputStream> response =
          client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      Optional<String> location = response.headers().firstValue("Location");
      if (!REDIRECTS.contains(response.statusCode()) || location.isEmpty()) {
        return response;
      }
      response.body().close();
      if (hop == MAX_REDIRECTS) {
        throw new SourceFetchException(
            "downloading "
                + shown
                + " failed: more than "
                + MAX_REDIRECTS
                + " redirects; give the file's final URL");
      }
      URI next;
      try {
        next = uri.resolve(location.get());
      } catch (IllegalArgumentException e) {
        throw new SourceFetchException(
            "downloading " + shown + " failed: the server redirected to an invalid URL");
      }
      uri = httpUri(next.toString(), shown);
    }
  }

  /** {@code url} as a URI, refused unless it is http or https with a host. */
  private static URI httpUri(String url, String shown) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new SourceFetchException(
          "invalid URL " + shown + ": " + UrlCredentials.redact(e.getMessage()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new SourceFetchException(
          "downloading "
              + shown
              + " is refused: only http and https URLs can be downloaded"
              + (scheme.isEmpty() ? "" : ", not " + scheme + ":")
              + "; use an http(s) URL");
    }
    if (uri.getHost() == null) {
      throw new SourceFetchException("invalid URL " + shown + ": it names no host");
    }
    return uri;
  }

  private static Optional<String> basicAuth(URI uri) {
    String info = uri.getUserInfo(); // decoded
    if (info == null || info.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
  }

  private static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    String s = uri.toString();
    return URI.create(s.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1"));
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private SourceFetchException tooLarge(String shown, String size) {
    return new SourceFetchException(
        "downloading "
            + shown
            + " is refused: the file is "
            + size
            + ", over the builder's download limit of "
            + maxBytes
            + " bytes; download a smaller file, or raise the limit (slipway-builder"
            + " --max-download-bytes, Builder spec.limits.maxDownloadSize)");
  }

  /** Shuts the HTTP client down, so the engine leaves no selector thread behind. */
  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      client.shutdownNow(); // a download still running fails; close() would wait for it
      client = null;
    }
  }

  static String fileName(SourceOp.Http source, HttpResponse<?> response) {
    String name = source.filename();
    if (name == null || name.isEmpty()) {
      name =
          response
              .headers()
              .firstValue("Content-Disposition")
              .map(DISPOSITION_NAME::matcher)
              .filter(Matcher::find)
              .map(m -> m.group(1))
              .orElse(null);
    }
    if (name == null || name.isEmpty()) {
      String path = response.uri().getPath();
      name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    }
    // Only the last segment: a header must not choose a path such as ../../x.
    name = name.substring(name.lastIndexOf('/') + 1);
    // Nor a name no file system takes (NUL) or that hides itself in listings (control characters).
    boolean unusable = name.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    return unusable || name.isEmpty() || name.equals(".") || name.equals("..") ? "index" : name;
  }

  private static Optional<FileTime> lastModified(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Last-Modified")
        .flatMap(
            v -> {
              try {
                return Optional.of(
                    FileTime.from(
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()));
              } catch (DateTimeParseException e) {
                return Optional.empty();
              }
            });
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(order[i]);
      }
    }
    return set;
  }
}
