package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Directory listings in the byte order of the names, the order layer tars use. */
final class DirectoryListing {

  static final Comparator<String> BYTE_ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private DirectoryListing() {}

  static List<String> sortedNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      children.forEach(child -> names.add(child.getFileName().toString()));
    }
    names.sort(BYTE_ORDER);
    return names;
  }

  static String child(String relativeDir, String name) {
    return relativeDir.isEmpty() ? name : relativeDir + "/" + name;
  }
}
