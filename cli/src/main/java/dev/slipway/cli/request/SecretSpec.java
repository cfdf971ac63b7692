package dev.slipway.cli.request;

import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code --secret}: {@code id=ID[,src=FILE|,env=VAR][,type=file|env]}. Like buildx, an id alone
 * reads the environment variable of that name, or the file {@code src} when given.
 */
record SecretSpec(String id, Path file, String envVariable) {

  static SecretSpec parse(String text, Map<String, String> environment) {
    Map<String, String> attrs = CsvAttributes.parse("--secret", text);
    String id = attrs.remove("id");
    String src = attrs.containsKey("src") ? attrs.remove("src") : attrs.remove("source");
    String env = attrs.remove("env");
    String type = attrs.remove("type");
    if (!attrs.isEmpty()) {
      throw new UsageException(
          "--secret \""
              + text
              + "\": unknown key "
              + attrs.keySet().iterator().next()
              + "; use id, src, env or type");
    }
    if (id == null || id.isEmpty()) {
      throw new UsageException(
          "--secret \"" + text + "\": id is missing; e.g. id=npmrc,src=.npmrc");
    }
    if ("env".equals(type) && env == null) {
      env = src != null ? src : id;
      src = null;
    }
    if (src != null && env != null) {
      throw new UsageException("--secret id=" + id + ": give src or env, not both");
    }
    if (src == null && env == null) {
      if (environment.containsKey(id)) {
        env = id;
      } else {
        throw new UsageException(
            "--secret id="
                + id
                + ": no src or env given and $"
                + id
                + " is not set;"
                + " add src=FILE or env=VARIABLE");
      }
    }
    return new SecretSpec(id, src == null ? null : Invocation.current().resolve(src), env);
  }
}
