package dev.slipway.cli.request;

import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.NamedContext;
import dev.slipway.api.mapping.BuildRequestMapping;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.frontend.dockerfile.conversion.ContextName;
import dev.slipway.engine.source.GitUrl;
import dev.slipway.engine.source.UrlCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One {@code --build-context NAME=VALUE} as buildx reads it: NAME is compared as an image reference
 * in its familiar form, VALUE is a local directory, {@code docker-image://REF}, a git URL or an
 * http(s) URL.
 *
 * @param name the familiar form of the name
 * @param context what the builder reads
 * @param dir the local directory this machine serves, or null
 */
record BuildContextSpec(String name, NamedContext context, Path dir) {

  private static final String IMAGE = "docker-image://";
  private static final String KINDS =
      "use a directory, docker-image://REF, a git URL (https://host/repo.git#ref:dir, git@...,"
          + " git://...) or an http(s) URL";

  static BuildContextSpec parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new UsageException(
          "--build-context \""
              + UrlCredentials.redact(text)
              + "\": expected NAME=VALUE, e.g. base=docker-image://alpine:3 or src=../src");
    }
    String raw = text.substring(0, eq);
    String value = text.substring(eq + 1);
    String name;
    try {
      name = ContextName.familiar(raw);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--build-context "
              + UrlCredentials.redact(raw)
              + "=...: invalid context name: "
              + e.getMessage()
              + "; name it as FROM names an image (lower case, e.g. base or"
              + " registry.example.com/base)");
    }
    // Messages show the value with a URL's user-info redacted: they reach terminals and CI logs.
    String where =
        "--build-context " + UrlCredentials.redact(raw) + "=" + UrlCredentials.redact(value);
    if (value.isEmpty()) {
      throw new UsageException(where + ": the value is empty; " + KINDS);
    }
    NamedContext.Builder c = NamedContext.newBuilder();
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith(IMAGE)) {
      String ref = value.substring(IMAGE.length());
      if (ref.isEmpty()) {
        throw new UsageException(where + ": docker-image:// needs a reference, e.g. alpine:3");
      }
      return new BuildContextSpec(name, c.setImage(ref).build(), null);
    }
    if (isGit(value, where)) {
      return new BuildContextSpec(name, c.setGit(value).build(), null);
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new BuildContextSpec(name, c.setUrl(value).build(), null);
    }
    if (lower.startsWith("oci-layout://")) {
      throw new UsageException(
          where
              + ": oci-layout:// contexts are not supported yet; push the image to a registry"
              + " and use docker-image://REF");
    }
    if (lower.startsWith("target:")) {
      throw new UsageException(where + ": target: contexts exist only in bake files; " + KINDS);
    }
    if (value.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw new UsageException(
          where + ": unknown scheme \"" + value.substring(0, value.indexOf(':')) + "\"; " + KINDS);
    }
    Path dir = Invocation.current().resolve(value);
    if (!Files.isDirectory(dir)) {
      throw new UsageException(
          where
              + ": "
              + dir
              + (Files.exists(dir) ? " is not a directory" : " does not exist")
              + "; "
              + KINDS);
    }
    return new BuildContextSpec(
        name,
        c.setClient(
                ClientContext.newBuilder().setName(BuildRequestMapping.namedClientContext(name)))
            .build(),
        dir);
  }

  /** Git URLs as BuildKit tells them apart: ssh forms, git://, and http(s) ending in .git. */
  private static boolean isGit(String value, String where) {
    try {
      return GitUrl.parse(value).isPresent();
    } catch (IllegalArgumentException e) {
      throw new UsageException(where + ": " + UrlCredentials.redact(e.getMessage()));
    }
  }
}
