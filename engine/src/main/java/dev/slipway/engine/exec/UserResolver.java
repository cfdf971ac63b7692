package dev.slipway.engine.exec;

import dev.slipway.confined.RootedPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a Dockerfile {@code USER} value ({@code name}, {@code uid}, {@code name:group}, {@code
 * uid:gid}) into ids using the image's own {@code /etc/passwd} and {@code /etc/group}, with the
 * rules of runc's {@code GetExecUser}: numeric ids need no entry, names must exist, and when no
 * group is given the user's supplementary groups come from the group file.
 */
public final class UserResolver {

  private record PasswdEntry(String name, int uid, int gid) {}

  private record GroupEntry(String name, int gid, List<String> members) {}

  private UserResolver() {}

  public static ResolvedUser resolve(Path rootfs, String userSpec) {
    if (userSpec == null || userSpec.isEmpty()) {
      return ResolvedUser.ROOT;
    }
    int colon = userSpec.indexOf(':');
    String userPart = colon < 0 ? userSpec : userSpec.substring(0, colon);
    String groupPart = colon < 0 ? "" : userSpec.substring(colon + 1);
    List<PasswdEntry> passwd = readPasswd(rootfs);

    Optional<PasswdEntry> entry;
    int uid;
    int gid = 0;
    if (isNumeric(userPart)) {
      uid = parseId(userPart, "uid", userSpec);
      entry = passwd.stream().filter(p -> p.uid == uid).findFirst();
    } else {
      entry = passwd.stream().filter(p -> p.name.equals(userPart)).findFirst();
      if (entry.isEmpty()) {
        throw new UnknownUserException(
            "user '"
                + userPart
                + "' not found in the image's /etc/passwd (USER "
                + userSpec
                + "); create it in an earlier step (e.g. RUN useradd "
                + userPart
                + ") or use a numeric uid");
      }
      uid = entry.get().uid;
    }
    if (entry.isPresent()) {
      gid = entry.get().gid;
    }

    List<Integer> additional = new ArrayList<>();
    if (!groupPart.isEmpty()) {
      if (isNumeric(groupPart)) {
        gid = parseId(groupPart, "gid", userSpec);
      } else {
        gid =
            readGroups(rootfs).stream()
                .filter(g -> g.name.equals(groupPart))
                .findFirst()
                .orElseThrow(
                    () ->
                        new UnknownUserException(
                            "group '"
                                + groupPart
                                + "' not found in the image's /etc/group (USER "
                                + userSpec
                                + "); create it in an earlier step (e.g. RUN groupadd "
                                + groupPart
                                + ") or use a numeric gid"))
                .gid;
      }
    } else if (entry.isPresent()) {
      String name = entry.get().name;
      int primary = gid;
      for (GroupEntry g : readGroups(rootfs)) {
        if (g.gid != primary && g.members.contains(name) && !additional.contains(g.gid)) {
          additional.add(g.gid);
        }
      }
    }
    return new ResolvedUser(uid, gid, additional);
  }

  private static boolean isNumeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static int parseId(String s, String what, String userSpec) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new UnknownUserException(what + " out of range in USER " + userSpec);
    }
  }

  private static List<PasswdEntry> readPasswd(Path rootfs) {
    List<PasswdEntry> entries = new ArrayList<>();
    for (String[] f : readColonFile(rootfs, "/etc/passwd")) {
      if (f.length >= 4 && isNumeric(f[2]) && isNumeric(f[3])) {
        entries.add(new PasswdEntry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
      }
    }
    return entries;
  }

  private static List<GroupEntry> readGroups(Path rootfs) {
    List<GroupEntry> entries = new ArrayList<>();
    for (String[] f : readColonFile(rootfs, "/etc/group")) {
      if (f.length >= 3 && isNumeric(f[2])) {
        List<String> members =
            f.length >= 4 && !f[3].isEmpty() ? List.of(f[3].split(",")) : List.of();
        entries.add(new GroupEntry(f[0], Integer.parseInt(f[2]), members));
      }
    }
    return entries;
  }

  /** Missing files are empty databases: numeric ids still work, as in runc. */
  private static List<String[]> readColonFile(Path rootfs, String containerPath) {
    try {
      Path file = RootedPaths.resolve(rootfs, containerPath);
      if (!Files.isRegularFile(file)) {
        return List.of();
      }
      List<String[]> rows = new ArrayList<>();
      // Decoded leniently: a stray non-UTF-8 byte in a comment must not fail the build.
      for (String line :
          new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList()) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          rows.add(trimmed.split(":", -1));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + containerPath + " in " + rootfs, e);
    }
  }
}
