package dev.slipway.session.auth;

/**
 * What a grant lets its holder do on a builder. BUILD: Solve, attach a session, Info, and
 * Status/Cancel/ListBuilds of the caller's own builds. ADMIN: also every build's
 * Status/Cancel/ListBuilds, DiskUsage and Prune. PEER: only the PeerCache service (another pod of
 * the same Builder fetching cached layers for one build); Control and Session refuse it.
 */
public enum GrantScope {
  BUILD,
  ADMIN,
  PEER
}
