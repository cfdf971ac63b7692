package dev.slipway.engine.exec;

import java.util.List;

/** The numeric identity a process runs as, after looking the USER value up in the rootfs. */
public record ResolvedUser(int uid, int gid, List<Integer> additionalGids) {

  public static final ResolvedUser ROOT = new ResolvedUser(0, 0, List.of());

  public ResolvedUser {
    additionalGids = List.copyOf(additionalGids);
  }
}
