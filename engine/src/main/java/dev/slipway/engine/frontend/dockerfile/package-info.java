/**
 * The Dockerfile frontend: reads a Dockerfile as BuildKit does and turns it into the engine's build
 * graph. This package holds only what its subpackages share (source positions, {@link
 * dev.slipway.engine.frontend.dockerfile.DockerfileException}, build-check warnings); the work is
 * split as in BuildKit, each package using only those listed before it:
 *
 * <ul>
 *   <li>{@code parser}: the lexer (directives, line continuations, flags, heredocs);
 *   <li>{@code instructions}: the typed instruction model, stages, and the build checks that need
 *       no evaluation;
 *   <li>{@code shell}: variable expansion as BuildKit's shell lexer does it;
 *   <li>{@code dockerignore}: {@code .dockerignore} files and context path matching;
 *   <li>{@code conversion}: the entry point {@code DockerfileFrontend}, which evaluates the
 *       instructions stage by stage into graph vertices and an image config.
 * </ul>
 */
package dev.slipway.engine.frontend.dockerfile;
