package dev.slipway.api;

/** The Dockerfile name every shape of a build (flags, BuildRequest, SolveRequest) defaults to. */
public final class Dockerfiles {
  /** A build's Dockerfile when none is named: this file at the context root. */
  public static final String DEFAULT_NAME = "Dockerfile";

  private Dockerfiles() {}
}
