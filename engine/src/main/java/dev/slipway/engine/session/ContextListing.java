package dev.slipway.engine.session;

import dev.slipway.session.ContextFile;
import dev.slipway.session.SessionException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a client's file listing before anything of it is written: what a walk of a real directory
 * can produce and nothing else. Each path is clean and relative, listed once, never below an entry
 * that is not a directory (a listed symlink {@code a -> /} followed by {@code a/etc/x}), and a hard
 * link names a regular file listed in the same listing. The mirror's {@code ConfinedRoot} enforces
 * the same on disk; this check gives the client's error its clear message.
 */
final class ContextListing {
  private ContextListing() {}

  static void check(List<ContextFile> listing) throws SessionException {
    Map<String, ContextFile> byPath = new HashMap<>();
    for (ContextFile f : listing) {
      String path = f.path();
      if (path == null || path.isEmpty()) {
        throw refused("an empty path", "every entry needs a path relative to the context");
      }
      if (path.startsWith("/") || path.indexOf('\0') >= 0) {
        throw refused(path, "paths are relative to the context and hold no NUL");
      }
      for (String part : path.split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          throw refused(path, "paths are clean: no empty, \".\" or \"..\" element");
        }
      }
      if (byPath.putIfAbsent(path, f) != null) {
        throw refused(path, "it is listed twice");
      }
    }
    for (ContextFile f : listing) {
      for (int slash = f.path().lastIndexOf('/');
          slash > 0;
          slash = f.path().lastIndexOf('/', slash - 1)) {
        ContextFile parent = byPath.get(f.path().substring(0, slash));
        if (parent != null && !parent.isDirectory()) {
          throw refused(
              f.path(),
              "it lies below " + parent.path() + ", which is listed as a file or a symlink");
        }
      }
      if (f.isHardLink()) {
        ContextFile target = byPath.get(f.linkTarget());
        if (target == null || !target.isRegularFile() || target.isHardLink()) {
          throw refused(
              f.path(),
              "it is a hard link to "
                  + f.linkTarget()
                  + ", which is not a regular file of the same listing");
        }
      }
    }
  }

  private static SessionException refused(String path, String why) {
    return new SessionException(
        "the client's context listing was refused at \"" + path + "\": " + why);
  }
}
