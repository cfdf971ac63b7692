package dev.slipway.operator.control;

import dev.slipway.operator.auth.BuilderAccess;

/**
 * A builder pod as the operator addresses it: its name, its Control endpoint, the name its TLS
 * certificate holds for it ({@code <pod>.<builder>.<ns>.svc}), and its Builder's access (grant
 * signer and CA).
 */
public record BuilderPod(
    String name, String endpoint, String tlsHost, boolean ready, BuilderAccess access) {}
