package dev.slipway.engine.source;

import dev.slipway.engine.graph.SourceOp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads the file of an {@code ADD http(s)://...} into a directory, as BuildKit's http source
 * does: named by the ADD destination, else by the response's Content-Disposition, else by the URL's
 * last path segment; mode 0600 unless {@code --chmod}; mtime from Last-Modified; {@code --checksum}
 * verified before the file appears (it is written to a temporary name first).
 */
public final class HttpSourceFetcher {

  private static final Pattern DISPOSITION_NAME =
      Pattern.compile("filename\\*?=(?:UTF-8'')?\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

  // Made on the first download: a client starts a selector thread that sits in a native call, and
  // the JVM waits 300 ms at exit for such threads, so builds without ADD <url> should not have one.
  private HttpClient client;

  public HttpSourceFetcher() {}

  public HttpSourceFetcher(HttpClient client) {
    this.client = client;
  }

  private synchronized HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(Duration.ofSeconds(30))
              .build();
    }
    return client;
  }

  /** Downloads {@code source} into the existing directory {@code into}; returns the file. */
  public Path fetch(SourceOp.Http source, Path into) throws InterruptedException {
    String shown = SourceFetchException.redact(source.url());
    URI uri;
    try {
      uri = URI.create(source.url());
    } catch (IllegalArgumentException e) {
      throw new SourceFetchException("invalid URL " + shown + ": " + e.getMessage());
    }
    HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
    Path tmp = null;
    try {
      HttpResponse<InputStream> response =
          client().send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() / 100 != 2) {
          throw new SourceFetchException(
              "downloading "
                  + shown
                  + " failed: the server answered "
                  + response.statusCode()
                  + "; check the URL");
        }
        String name = fileName(source, response);
        tmp = Files.createTempFile(into, ".download-", ".tmp");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = body.read(buf)) > 0) {
            sha256.update(buf, 0, n);
            out.write(buf, 0, n);
          }
        }
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
        return target;
      }
    } catch (IOException e) {
      throw new SourceFetchException(
          "downloading "
              + shown
              + " failed: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
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
    return name.isEmpty() || name.equals(".") || name.equals("..") ? "index" : name;
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
