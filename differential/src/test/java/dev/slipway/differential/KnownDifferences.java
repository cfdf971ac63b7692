package dev.slipway.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cases the module's README lists under "Known differences": the one place that says which
 * cases are expected to differ from the oracle, and why.
 */
final class KnownDifferences {
  private static final String HEADING = "## Known differences";
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|");

  private KnownDifferences() {}

  static Set<String> in(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    int start = lines.indexOf(HEADING);
    if (start < 0) {
      throw new IOException(readme + " has no section \"" + HEADING + "\"");
    }
    Set<String> cases = new TreeSet<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        cases.add(m.group(1));
      }
    }
    return cases;
  }
}
