package dev.slipway.operator.builder;

/**
 * What the operator was installed with and Builders inherit unless their spec says otherwise.
 *
 * @param image the builder image (Helm value builder.image)
 */
public record BuilderDefaults(String image) {}
