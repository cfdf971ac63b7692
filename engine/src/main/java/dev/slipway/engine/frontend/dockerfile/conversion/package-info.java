/**
 * Dockerfile to build graph (BuildKit's {@code dockerfile2llb}). {@link
 * dev.slipway.engine.frontend.dockerfile.conversion.DockerfileFrontend} is the entry point; {@code
 * DockerfileConverter} converts the target stage and the stages it reads; for each stage, {@code
 * StageConverter} sets up a {@code StageContext} (the vertex so far, the image config, ARG and ENV
 * scope, step names) and hands each instruction to the converter of its family: {@code
 * FromConverter}, {@code RunConverter}, {@code CopyConverter}, {@code MetadataConverter}, {@code
 * HealthcheckConverter}.
 */
package dev.slipway.engine.frontend.dockerfile.conversion;
