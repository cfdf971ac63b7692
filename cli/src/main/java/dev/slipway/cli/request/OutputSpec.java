package dev.slipway.cli.request;

import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.cli.usage.UsageException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns {@code -o/--output}, {@code -t} and {@code --push} into build outputs, as buildx does. */
final class OutputSpec {
  private OutputSpec() {}

  /**
   * Parses one {@code --output} value: {@code type=KIND,key=value...}, or the short forms {@code -o
   * DIR} (type=local) and {@code -o -} (type=tar to stdout).
   */
  static Output parse(String text, List<String> tags) {
    if (!text.contains("=")) {
      return text.equals("-")
          ? Output.newBuilder().setType(OutputType.OUTPUT_TYPE_TAR).setDest("-").build()
          : Output.newBuilder().setType(OutputType.OUTPUT_TYPE_LOCAL).setDest(text).build();
    }
    Map<String, String> attrs = CsvAttributes.parse("--output", text);
    String type = attrs.remove("type");
    if (type == null) {
      throw new UsageException(
          "--output \"" + text + "\": type is missing; e.g. type=oci,dest=image.tar");
    }
    Output.Builder out = Output.newBuilder();
    switch (type.toLowerCase(Locale.ROOT)) {
      case "image", "registry" -> {
        out.setType(OutputType.OUTPUT_TYPE_IMAGE);
        String names = attrs.remove("name");
        if (names == null) {
          names = String.join(",", tags);
        }
        for (String name : names.split(",")) {
          if (!name.isBlank()) {
            out.addNames(name.trim());
          }
        }
        if (out.getNamesCount() == 0) {
          throw new UsageException(
              "--output type=" + type + " needs a name: add name=REPO:TAG or -t REPO:TAG");
        }
        String push = attrs.remove("push");
        out.setPush(type.equals("registry") || (push != null && parseBool("push", push)));
      }
      case "oci", "docker", "local", "tar" -> {
        out.setType(
            switch (type) {
              case "oci" -> OutputType.OUTPUT_TYPE_OCI;
              case "docker" -> OutputType.OUTPUT_TYPE_DOCKER;
              case "local" -> OutputType.OUTPUT_TYPE_LOCAL;
              default -> OutputType.OUTPUT_TYPE_TAR;
            });
        String dest = attrs.remove("dest");
        if (dest == null || dest.isEmpty()) {
          throw new UsageException(
              "--output type=" + type + " needs dest=PATH (or dest=- for standard output)");
        }
        if (dest.equals("-") && type.equals("local")) {
          throw new UsageException("--output type=local writes a directory: dest cannot be -");
        }
        out.setDest(dest);
        String names = attrs.remove("name");
        List<String> imageNames = names == null ? tags : List.of(names.split(","));
        imageNames.forEach(out::addNames);
      }
      default ->
          throw new UsageException(
              "--output type="
                  + type
                  + " is not known; use image, registry, oci, docker, local or tar");
    }
    attrs.forEach(
        (k, v) -> {
          if (v == null) {
            throw new UsageException("--output \"" + text + "\": " + k + " needs a value");
          }
          out.putAttrs(k, v);
        });
    return out.build();
  }

  static boolean parseBool(String key, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new UsageException(key + "=" + value + ": expected true or false");
    };
  }
}
