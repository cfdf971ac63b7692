package dev.slipway.cli.request;

import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import java.util.List;
import java.util.Map;

/** One {@code --cache-from} or {@code --cache-to}: {@code type=registry|inline|local,...}. */
final class CacheFlag {
  private CacheFlag() {}

  static CacheOption parse(String flag, String text) {
    Map<String, String> attrs = CsvAttributes.parse(flag, text);
    String type = attrs.remove("type");
    if (type == null) {
      // buildx: a bare value is a registry reference
      if (attrs.size() == 1 && attrs.values().iterator().next() == null) {
        return CacheOption.newBuilder()
            .setType("registry")
            .putAttrs("ref", attrs.keySet().iterator().next())
            .build();
      }
      throw new UsageException(flag + " " + text + ": type is missing (registry, inline or local)");
    }
    if (!List.of("registry", "inline", "local").contains(type)) {
      throw new UsageException(flag + " type=" + type + ": use registry, inline or local");
    }
    CacheOption.Builder c = CacheOption.newBuilder().setType(type);
    attrs.forEach(
        (k, v) -> {
          if (v == null) {
            throw new UsageException(flag + " " + text + ": " + k + " needs a value");
          }
          // A local cache's directory is relative to where the command ran, not the daemon's cwd.
          boolean path = type.equals("local") && (k.equals("dest") || k.equals("src"));
          c.putAttrs(k, path ? Invocation.current().resolve(v).toString() : v);
        });
    return c.build();
  }
}
