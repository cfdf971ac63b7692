/**
 * Executes RUN steps in an OCI runtime, the way BuildKit's runc executor does.
 *
 * <p>Flow: {@link dev.slipway.engine.exec.OciRuntime#detect()} picks crun or runc; a {@link
 * dev.slipway.engine.exec.ProcessExecutor} over a tmpfs work directory runs an {@link
 * dev.slipway.engine.exec.ExecSpec} (rootfs prepared by the snapshotter, process, user, network,
 * {@link dev.slipway.engine.exec.ExecMount}s) and streams output to a {@link
 * dev.slipway.engine.exec.LogSink}. The {@link dev.slipway.engine.exec.ExecResult} lists the mount
 * stubs it created in the rootfs; remove them with {@link
 * dev.slipway.engine.exec.MountStubs#remove} before diffing the layer.
 *
 * <p>Host requirements and choices:
 *
 * <ul>
 *   <li>The engine runs as root (no rootless/user-namespace mode yet).
 *   <li>crun is preferred, but refuses hosts with hybrid cgroups whose v2 hierarchy owns
 *       controllers; there runc is used. Both take the same command line here.
 *   <li>pivot_root is used unless the host root is an initramfs, where the runtime gets {@code
 *       --no-pivot}.
 *   <li>Containers get the cgroup {@code /slipway/<container id>}, so {@code delete -f} kills any
 *       process the step left. No seccomp or AppArmor profile is applied.
 * </ul>
 */
package dev.slipway.engine.exec;
