package dev.slipway.engine.graph;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.ExecLimits;
import dev.slipway.engine.exec.HostEntry;
import dev.slipway.engine.exec.NetworkMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a command (a Dockerfile RUN) on top of {@code rootfs}. Its result is the root filesystem
 * after the command; its layer is the difference to {@code rootfs}. Mounts never become part of the
 * result.
 *
 * @param args argv, e.g. {@code [/bin/sh, -c, make]}
 * @param env {@code KEY=value} entries in order
 * @param user as written ({@code uid[:gid]} or names), empty for root
 * @param limits the build's /dev/shm size and rlimits: they change what the command may do, so they
 *     are part of the key (only when set, so keys of builds without them stay as they were)
 */
public record ExecOp(
    Vertex rootfs,
    List<String> args,
    List<String> env,
    String cwd,
    String user,
    NetworkMode network,
    SecurityMode security,
    List<HostEntry> extraHosts,
    List<Mount> mounts,
    Platform platform,
    ExecLimits limits,
    VertexInfo info,
    CacheKey cacheKey)
    implements Vertex {

  public enum SecurityMode {
    SANDBOX,
    INSECURE
  }

  public ExecOp(
      Vertex rootfs,
      List<String> args,
      List<String> env,
      String cwd,
      String user,
      NetworkMode network,
      SecurityMode security,
      List<HostEntry> extraHosts,
      List<Mount> mounts,
      Platform platform,
      VertexInfo info) {
    this(
        rootfs,
        args,
        env,
        cwd,
        user,
        network,
        security,
        extraHosts,
        mounts,
        platform,
        ExecLimits.NONE,
        info,
        null);
  }

  public ExecOp(
      Vertex rootfs,
      List<String> args,
      List<String> env,
      String cwd,
      String user,
      NetworkMode network,
      SecurityMode security,
      List<HostEntry> extraHosts,
      List<Mount> mounts,
      Platform platform,
      ExecLimits limits,
      VertexInfo info) {
    this(
        rootfs,
        args,
        env,
        cwd,
        user,
        network,
        security,
        extraHosts,
        mounts,
        platform,
        limits,
        info,
        null);
  }

  public ExecOp {
    Objects.requireNonNull(rootfs, "rootfs");
    args = List.copyOf(args);
    env = List.copyOf(env);
    extraHosts = List.copyOf(extraHosts);
    mounts = List.copyOf(mounts);
    limits = limits == null ? ExecLimits.NONE : limits;
    KeyEncoder k =
        new KeyEncoder("exec")
            .key(rootfs)
            .strs(args)
            .strs(env)
            .str(cwd)
            .str(user)
            .str(network.name())
            .str(security.name())
            // host:ip, as cache keys were before the entries had a type of their own
            .strs(extraHosts.stream().map(h -> h.hostname() + ":" + h.address()).toList())
            .str(platform.toString())
            .num(mounts.size());
    for (Mount m : mounts) {
      m.encode(k);
    }
    if (!limits.isDefault()) {
      k.str("limits")
          .num(limits.shmBytes())
          .strs(limits.ulimits().stream().map(Object::toString).toList());
    }
    cacheKey = k.finish();
  }

  @Override
  public List<Vertex> inputs() {
    LinkedHashSet<Vertex> in = new LinkedHashSet<>();
    in.add(rootfs);
    for (Mount m : mounts) {
      if (m.source() != null) {
        in.add(m.source());
      }
    }
    return List.copyOf(new ArrayList<>(in));
  }

  /** Equal when the definitions (cache keys) and the infos are; never walks the whole graph. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ExecOp other && cacheKey.equals(other.cacheKey) && info.equals(other.info);
  }

  @Override
  public int hashCode() {
    return cacheKey.hashCode();
  }

  @Override
  public Optional<Vertex> parent() {
    return Optional.of(rootfs);
  }

  public enum MountType {
    BIND,
    CACHE,
    TMPFS,
    SECRET,
    SSH
  }

  public enum CacheSharing {
    SHARED,
    PRIVATE,
    LOCKED
  }

  /**
   * A filesystem mounted during the command only. Which fields matter depends on the type: bind and
   * cache read {@code source}/{@code sourcePath}; cache has {@code cacheId}/{@code sharing}; secret
   * and ssh have {@code id} (a secret id or ssh agent id), {@code envName} (secret as environment
   * variable), {@code required}; tmpfs has {@code sizeBytes} (0 = unlimited).
   */
  public record Mount(
      MountType type,
      String target,
      Vertex source,
      String sourcePath,
      boolean readonly,
      String cacheId,
      CacheSharing sharing,
      Integer uid,
      Integer gid,
      Integer mode,
      String id,
      String envName,
      boolean required,
      long sizeBytes)
      implements java.io.Serializable {

    public static Mount bind(String target, Vertex source, String sourcePath, boolean readonly) {
      return new Mount(
          MountType.BIND,
          target,
          source,
          sourcePath,
          readonly,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          false,
          0);
    }

    public static Mount cache(
        String target,
        String cacheId,
        CacheSharing sharing,
        Vertex source,
        String sourcePath,
        boolean readonly,
        Integer uid,
        Integer gid,
        Integer mode) {
      return new Mount(
          MountType.CACHE,
          target,
          source,
          sourcePath,
          readonly,
          cacheId,
          sharing,
          uid,
          gid,
          mode,
          null,
          null,
          false,
          0);
    }

    public static Mount tmpfs(String target, long sizeBytes) {
      return new Mount(
          MountType.TMPFS,
          target,
          null,
          null,
          false,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          false,
          sizeBytes);
    }

    public static Mount secret(
        String id,
        String target,
        String envName,
        boolean required,
        Integer uid,
        Integer gid,
        Integer mode) {
      return new Mount(
          MountType.SECRET,
          target,
          null,
          null,
          true,
          null,
          null,
          uid,
          gid,
          mode,
          id,
          envName,
          required,
          0);
    }

    public static Mount ssh(
        String id, String target, boolean required, Integer uid, Integer gid, Integer mode) {
      return new Mount(
          MountType.SSH,
          target,
          null,
          null,
          true,
          null,
          null,
          uid,
          gid,
          mode,
          id,
          null,
          required,
          0);
    }

    void encode(KeyEncoder k) {
      k.str(type.name())
          .str(target)
          .key(source)
          .str(sourcePath)
          .bool(readonly)
          .str(cacheId)
          .str(sharing == null ? null : sharing.name())
          .opt(uid)
          .opt(gid)
          .opt(mode)
          .str(id)
          .str(envName)
          .bool(required)
          .num(sizeBytes);
    }
  }
}
