package dev.slipway.engine.registry;

/**
 * What a push did: how many blobs the registry already had, got by cross-repository mount, or were
 * uploaded (with their bytes), and the digest the name now points at.
 */
public record PushReport(
    String digest, int blobsExisting, int blobsMounted, int blobsUploaded, long bytesUploaded) {}
