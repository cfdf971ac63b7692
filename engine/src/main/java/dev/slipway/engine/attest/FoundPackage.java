package dev.slipway.engine.attest;

/**
 * A package found in an image's root filesystem.
 *
 * @param type the purl type: deb, apk, npm, cargo, pypi
 * @param name the package's name in its ecosystem
 * @param version its version as the database or lock file writes it
 * @param purl its package URL
 * @param location the file it was read from, relative to the root ("var/lib/dpkg/status")
 */
public record FoundPackage(
    String type, String name, String version, String purl, String location) {}
