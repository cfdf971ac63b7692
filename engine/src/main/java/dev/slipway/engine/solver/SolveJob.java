package dev.slipway.engine.solver;

import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.exec.NetworkMode;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.session.BuildSession;
import java.util.Set;

/**
 * What one build brings to the solver besides its graph: who to ask for client resources, where
 * progress goes, how to cancel, and the request's options.
 *
 * @param secretIds secrets the request allows RUN steps to mount
 * @param sshIds ssh agents the request allows RUN steps to use
 * @param pull resolve base image tags again even when present locally
 * @param registries this build's own registry access: its credentials and what they obtained
 * @param importedCache cache records imported for this build, consulted on a local miss
 * @param lease what this build uses, kept from the garbage collector until the build ends
 */
public record SolveJob(
    String buildId,
    BuildSession session,
    ProgressEmitter progress,
    BuildCancellation cancellation,
    NetworkMode defaultNetwork,
    Set<String> secretIds,
    Set<String> sshIds,
    boolean pull,
    RegistryAccess registries,
    ImportedCache importedCache,
    CacheLeases.BuildLease lease) {}
