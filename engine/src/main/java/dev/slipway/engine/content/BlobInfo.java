package dev.slipway.engine.content;

import java.time.Instant;

/** A blob held by the content store: its digest, size and when it was last written or read. */
public record BlobInfo(Digest digest, long size, Instant lastUsed) {}
