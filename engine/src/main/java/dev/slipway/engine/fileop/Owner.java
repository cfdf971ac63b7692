package dev.slipway.engine.fileop;

import dev.slipway.engine.exec.ResolvedUser;
import dev.slipway.engine.exec.UnknownUserException;
import dev.slipway.engine.exec.UserResolver;
import java.nio.file.Path;

/** The numeric owner that {@code --chown} (or a WORKDIR's USER) gives to created entries. */
public record Owner(int uid, int gid) {

  /**
   * Resolves {@code --chown=user[:group]} as BuildKit does: names are looked up in the
   * destination's {@code /etc/passwd} and {@code /etc/group}; a numeric user without group gets the
   * same number as group; a named user without group gets its primary group. Null when neither is
   * given (entries keep their source owner).
   */
  public static Owner resolve(Path destRoot, String user, String group) {
    boolean noUser = user == null || user.isEmpty();
    boolean noGroup = group == null || group.isEmpty();
    if (noUser && noGroup) {
      return null;
    }
    try {
      if (noGroup && isNumeric(user)) {
        int id = Integer.parseInt(user);
        return new Owner(id, id);
      }
      ResolvedUser u =
          UserResolver.resolve(destRoot, (noUser ? "0" : user) + (noGroup ? "" : ":" + group));
      return new Owner(u.uid(), u.gid());
    } catch (NumberFormatException e) {
      throw new FileOpException("--chown id out of range: " + user);
    } catch (UnknownUserException e) {
      // The resolver's message names the missing user or group and how to create it.
      throw new FileOpException("--chown cannot be applied: " + e.getMessage(), e);
    }
  }

  private static boolean isNumeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
