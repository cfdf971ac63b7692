package dev.slipway.operator.control;

/**
 * A builder pod as the operator addresses it: its name, its Control endpoint and the token of its
 * Builder.
 */
public record BuilderPod(String name, String endpoint, boolean ready, BuilderToken token) {}
