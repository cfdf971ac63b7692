package dev.slipway.engine.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slipway.engine.content.Platform;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI image configuration (application/vnd.oci.image.config.v1+json), the document whose digest
 * identifies an image's contents. Immutable; the plain {@code with*} methods are generated into
 * {@link ImageConfigBuilder}, the appending ones ({@link #withLayer}, {@link
 * #withHistory(HistoryEntry)}) are written here.
 */
// the JSON names stay on the record alone; the generated code needs none of them
@RecordBuilder.Options(inheritComponentAnnotations = false)
@RecordBuilder
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageConfig(
    @JsonProperty("created") String created,
    @JsonProperty("author") String author,
    @JsonProperty("architecture") String architecture,
    @JsonProperty("os") String os,
    @JsonProperty("variant") String variant,
    @JsonProperty("config") ContainerConfig config,
    @JsonProperty("rootfs") RootFs rootfs,
    @JsonProperty("history") List<HistoryEntry> history)
    implements ImageConfigBuilder.With {

  public ImageConfig {
    config = config == null ? ContainerConfig.EMPTY : config;
    rootfs = rootfs == null ? new RootFs("layers", List.of()) : rootfs;
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** The configuration of {@code FROM scratch}: nothing but the platform. */
  public static ImageConfig scratch(Platform platform) {
    return new ImageConfig(
        null,
        null,
        platform.architecture(),
        platform.os(),
        platform.variant().isEmpty() ? null : platform.variant(),
        ContainerConfig.EMPTY,
        null,
        null);
  }

  public Platform platform() {
    return new Platform(os, architecture, variant);
  }

  /** Appends a layer (by its uncompressed digest) and the history entry that made it. */
  public ImageConfig withLayer(String diffId, HistoryEntry entry) {
    List<String> diffIds = new ArrayList<>(rootfs.diffIds());
    diffIds.add(diffId);
    return withRootfs(new RootFs("layers", diffIds)).withHistory(entry);
  }

  /** Appends a history entry without a layer (an instruction that only changes metadata). */
  public ImageConfig withHistory(HistoryEntry entry) {
    List<HistoryEntry> h = new ArrayList<>(history);
    h.add(entry);
    return new ImageConfig(created, author, architecture, os, variant, config, rootfs, h);
  }

  /** The layer list of an image: uncompressed layer digests, bottom first. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RootFs(
      @JsonProperty("type") String type, @JsonProperty("diff_ids") List<String> diffIds) {
    public RootFs {
      diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    }
  }
}
