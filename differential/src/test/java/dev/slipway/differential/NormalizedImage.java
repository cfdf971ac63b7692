package dev.slipway.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An image reduced to what the comparison looks at, by the corpus' own {@code tools/normalize.py}:
 * config fields, layer count, history empty_layer flags, and the flattened file tree (type, mode,
 * owner, size, sha256, link target, hard-link group; no timestamps).
 */
record NormalizedImage(JsonNode json, Path archive) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 12;

  static NormalizedImage of(Path corpus, Path archive, Path out)
      throws IOException, InterruptedException {
    HostProcess.output(
        corpus,
        "python3",
        corpus.resolve("tools/normalize.py").toString(),
        archive.toString(),
        "-o",
        out.toString());
    return new NormalizedImage(JSON.readTree(out.toFile()), archive);
  }

  /**
   * What differs from {@code slipway}, one readable line each; empty when the images agree except
   * for {@link RuntimeQuirks}.
   */
  List<String> differencesTo(NormalizedImage slipway) throws IOException {
    JsonNode o = json;
    JsonNode s = slipway.json;
    List<String> out = new ArrayList<>();
    TreeSet<String> fields = new TreeSet<>();
    o.path("config").fieldNames().forEachRemaining(fields::add);
    s.path("config").fieldNames().forEachRemaining(fields::add);
    for (String f : fields) {
      JsonNode a = o.path("config").path(f);
      JsonNode b = s.path("config").path(f);
      if (!a.equals(b)) {
        out.add("config." + f + ": oracle " + a + ", slipway " + b);
      }
    }
    for (String f : List.of("layers", "history")) {
      if (!o.path(f).equals(s.path(f))) {
        out.add(f + ": oracle " + o.path(f) + ", slipway " + s.path(f));
      }
    }
    Map<String, JsonNode> a = byPath(o);
    Map<String, JsonNode> b = byPath(s);
    List<String> onlyOracle = new ArrayList<>();
    List<String> onlySlipway = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (String p : a.keySet()) {
      if (!b.containsKey(p)) {
        onlyOracle.add(a.get(p).toString());
      } else if (!a.get(p).equals(b.get(p))
          && !(onlyContentDiffers(a.get(p), b.get(p))
              && RuntimeQuirks.sameContent(archive, slipway.archive, p))) {
        changed.add(p + ": " + fieldChanges(a.get(p), b.get(p)));
      }
    }
    for (String p : b.keySet()) {
      if (!a.containsKey(p)) {
        onlySlipway.add(b.get(p).toString());
      }
    }
    limited(out, "rootfs only in oracle: ", onlyOracle);
    limited(out, "rootfs only in slipway: ", onlySlipway);
    limited(out, "rootfs changed: ", changed);
    return out;
  }

  private static Map<String, JsonNode> byPath(JsonNode image) {
    Map<String, JsonNode> out = new TreeMap<>();
    image.path("rootfs").forEach(e -> out.put(e.path("path").asText(), e));
    return out;
  }

  private static boolean onlyContentDiffers(JsonNode a, JsonNode b) {
    ObjectNode x = a.deepCopy();
    ObjectNode y = b.deepCopy();
    x.remove(List.of("size", "sha256"));
    y.remove(List.of("size", "sha256"));
    return "file".equals(a.path("type").asText()) && x.equals(y);
  }

  private static String fieldChanges(JsonNode a, JsonNode b) {
    TreeSet<String> fields = new TreeSet<>();
    a.fieldNames().forEachRemaining(fields::add);
    b.fieldNames().forEachRemaining(fields::add);
    List<String> out = new ArrayList<>();
    for (String f : fields) {
      if (!a.path(f).equals(b.path(f))) {
        out.add(f + " " + text(a.path(f)) + " -> " + text(b.path(f)));
      }
    }
    return String.join(", ", out);
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() ? "(none)" : n.toString();
  }

  private static void limited(List<String> out, String title, List<String> lines) {
    lines.stream().limit(LIMIT).forEach(l -> out.add(title + l));
    if (lines.size() > LIMIT) {
      out.add(title + "... " + (lines.size() - LIMIT) + " more");
    }
  }
}
