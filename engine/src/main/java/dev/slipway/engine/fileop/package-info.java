/**
 * Filesystem semantics of COPY, ADD, WORKDIR and heredoc files: {@link
 * dev.slipway.engine.fileop.FileActionApplier} applies the actions of a {@link
 * dev.slipway.engine.graph.FileOp} to a mounted, writable rootfs, reading copy sources from the
 * read-only roots of other vertices, with the behaviour of BuildKit's file-op backend and fsutil
 * copier (checked against the BuildKit goldens of the conformance corpus).
 *
 * <p>All path handling stays inside the roots: symlinks resolve with the root as {@code /}, and
 * destination entries are replaced rather than written through. Errors are {@link
 * dev.slipway.engine.fileop.FileOpException}s (a missing source is a {@link
 * dev.slipway.engine.fileop.SourceNotFoundException}) whose messages show image paths, not host
 * paths. Extended attributes use the {@code getfattr}/{@code setfattr} tools (package {@code
 * attr}); device nodes in ADDed archives use {@code mknod}.
 */
package dev.slipway.engine.fileop;
