package dev.slipway.session.auth;

/**
 * What a grant lets its holder do on a builder. BUILD: Solve, attach a session, Info, and
 * Status/Cancel/ListBuilds of the caller's own builds. ADMIN: also every build's
 * Status/Cancel/ListBuilds, DiskUsage and Prune.
 */
public enum GrantScope {
  BUILD,
  ADMIN
}
