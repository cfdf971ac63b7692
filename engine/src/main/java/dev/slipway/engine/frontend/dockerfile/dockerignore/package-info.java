/**
 * {@code .dockerignore} files and Docker's context path matcher, used for the context a build sends
 * and for COPY {@code --exclude}.
 */
package dev.slipway.engine.frontend.dockerfile.dockerignore;
