package dev.slipway.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Differences that come from BuildKit's runtime rather than from the Dockerfile's meaning, and so
 * do not count. Each rule says why. (BuildKit's overlayfs snapshotter dropping hard links that a
 * RUN makes to a lower layer's file is avoided by running the oracle on the native snapshotter; see
 * {@link Oracle}.)
 */
final class RuntimeQuirks {
  /**
   * BuildKit's executor adds the user's primary group to the process's supplementary groups, so
   * {@code id} prints {@code groups=...}; Slipway's runtime sets none (as docker 20.10's BuildKit,
   * which made the corpus' goldens): ignore that part of {@code id}'s output.
   */
  private static final Pattern ID_GROUPS =
      Pattern.compile("(?m)^(uid=\\d+(?:\\([^)]*\\))? gid=\\d+(?:\\([^)]*\\))?) groups=\\S*$");

  private RuntimeQuirks() {}

  /**
   * Whether the file at {@code path}, whose size or digest differs between the two images, differs
   * only by a runtime quirk.
   */
  static boolean sameContent(Path oracleArchive, Path slipwayArchive, String path)
      throws IOException {
    byte[] oracle = ImageArchive.fileContent(oracleArchive, path);
    byte[] slipway = ImageArchive.fileContent(slipwayArchive, path);
    if (oracle == null || slipway == null) {
      return false;
    }
    return withoutIdGroups(oracle).equals(withoutIdGroups(slipway));
  }

  static String withoutIdGroups(byte[] content) {
    return ID_GROUPS.matcher(new String(content, StandardCharsets.UTF_8)).replaceAll("$1");
  }
}
