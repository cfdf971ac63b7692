package dev.slipway.engine.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language packages pinned by lock files in the image: npm's {@code package-lock.json}, Rust's
 * {@code Cargo.lock}, Poetry's {@code poetry.lock} and pip's {@code requirements.txt} (exact {@code
 * ==} pins only). A file that does not parse gives a warning and no packages.
 */
final class LockFiles {
  static final Set<String> NAMES =
      Set.of("package-lock.json", "Cargo.lock", "poetry.lock", "requirements.txt");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TomlMapper TOML = new TomlMapper();
  private static final Pattern PIN =
      Pattern.compile("^\\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\\[[^]]*])?\\s*==\\s*([^\\s;#]+)");

  private LockFiles() {}

  static List<FoundPackage> parse(String location, String text, List<String> warnings) {
    String file = location.substring(location.lastIndexOf('/') + 1);
    try {
      return switch (file) {
        case "package-lock.json" -> npm(location, JSON.readTree(text));
        case "Cargo.lock" -> tomlPackages(location, TOML.readTree(text), "cargo");
        case "poetry.lock" -> tomlPackages(location, TOML.readTree(text), "pypi");
        case "requirements.txt" -> requirements(location, text);
        default -> List.of();
      };
    } catch (IOException | RuntimeException e) {
      warnings.add("/" + location + " is not a valid " + file + "; its packages are not listed");
      return List.of();
    }
  }

  private static List<FoundPackage> npm(String location, JsonNode lock) {
    List<FoundPackage> found = new ArrayList<>();
    JsonNode packages = lock.path("packages"); // lockfileVersion 2 and 3
    if (packages.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = packages.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        int at = e.getKey().lastIndexOf("node_modules/");
        if (at < 0) {
          continue; // "" is the project itself
        }
        add(
            found,
            "npm",
            e.getKey().substring(at + "node_modules/".length()),
            e.getValue(),
            location);
      }
      return found;
    }
    JsonNode deps = lock.path("dependencies"); // lockfileVersion 1
    for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      add(found, "npm", e.getKey(), e.getValue(), location);
    }
    return found;
  }

  private static List<FoundPackage> tomlPackages(String location, JsonNode lock, String type) {
    List<FoundPackage> found = new ArrayList<>();
    for (JsonNode p : lock.path("package")) {
      add(found, type, p.path("name").asText(""), p, location);
    }
    return found;
  }

  private static void add(
      List<FoundPackage> found, String type, String fullName, JsonNode entry, String location) {
    String version = entry.path("version").asText("");
    if (fullName.isEmpty() || version.isEmpty()) {
      return;
    }
    String namespace = null;
    String name = fullName;
    int slash = fullName.indexOf('/');
    if (type.equals("npm") && fullName.startsWith("@") && slash > 0) {
      namespace = fullName.substring(0, slash);
      name = fullName.substring(slash + 1);
    }
    found.add(
        new FoundPackage(
            type, fullName, version, Purls.of(type, namespace, name, version, Map.of()), location));
  }

  private static List<FoundPackage> requirements(String location, String text) {
    List<FoundPackage> found = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = PIN.matcher(line);
      if (m.find()) {
        found.add(
            new FoundPackage(
                "pypi",
                m.group(1),
                m.group(2),
                Purls.of("pypi", null, m.group(1), m.group(2), Map.of()),
                location));
      }
    }
    return found;
  }
}
