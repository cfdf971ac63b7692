package dev.slipway.operator.control;

import dev.slipway.operator.auth.BuilderAccess;

/**
 * A builder pod as the operator addresses it: its name, its Control endpoint, the name its TLS
 * certificate holds for it ({@code <pod>.<builder>.<ns>.svc}), whether it takes builds (ready and
 * not terminating), whether it is being deleted (it drains: its running builds go on and can be
 * followed), and its Builder's access (grant signer and CA).
 */
public record BuilderPod(
    String name,
    String endpoint,
    String tlsHost,
    boolean ready,
    boolean terminating,
    BuilderAccess access) {}
