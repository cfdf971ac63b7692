package dev.slipway.engine.cache.remote;

import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.cache.CacheManifest;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.cache.InlineCache;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.export.OciLayoutDirectoryExporter;
import dev.slipway.engine.image.Annotations;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Shares build cache beyond one builder ({@code --cache-to}/{@code --cache-from}): exports a
 * build's cache entries as a {@link CacheManifest} to a registry reference ({@code
 * type=registry,ref=}) or an OCI layout directory ({@code type=local,dest=}), and imports them back
 * ({@code ref=} / {@code src=}) as an {@link ImportedCache} whose layer blobs are fetched only when
 * a step hits. A registry reference may also name an image built with {@code --cache-to
 * type=inline}, whose config carries the records of its own layers.
 */
public final class RemoteCache {
  private final ContentStore content;
  private final RegistryClient registry;

  public RemoteCache(ContentStore content, RegistryClient registry) {
    this.content = content;
    this.registry = registry;
  }

  /** Where an imported entry's blob comes from. */
  private interface BlobSource {
    void fetch(Descriptor blob) throws IOException;
  }

  private record Found(CacheManifest.Entry entry, BlobSource source) {}

  /**
   * Reads the cache manifests of {@code sources}; a source that does not exist yet (the first
   * build) is reported through {@code warn} and skipped, as buildx does.
   */
  public ImportedCache importFrom(
      List<CacheOption> sources, RegistryAccess access, Consumer<String> warn)
      throws BuildFailedException {
    Map<String, Found> entries = new HashMap<>();
    for (CacheOption source : sources) {
      try {
        switch (source.getType()) {
          case "registry" -> importRegistry(source, access, entries, warn);
          case "local" -> importLocal(source, entries);
          default -> throw unsupported("--cache-from", source.getType());
        }
      } catch (RegistryException e) {
        if (e.status() != 404) {
          throw failure("importing cache from " + describe(source), e);
        }
        warn.accept("no cache to import at " + describe(source) + " yet");
      } catch (java.nio.file.NoSuchFileException e) {
        warn.accept("no cache to import at " + describe(source) + " yet");
      } catch (IOException e) {
        throw failure("importing cache from " + describe(source), e);
      }
    }
    if (entries.isEmpty()) {
      return ImportedCache.NONE;
    }
    return key -> {
      Found found = entries.get(key);
      if (found == null) {
        return Optional.empty();
      }
      if (!content.exists(found.entry().layer().digest())) {
        found.source().fetch(found.entry().layer());
      }
      return Optional.of(new ImportedCache.Hit(found.entry(), ""));
    };
  }

  /** Writes the cache manifest of {@code entries} to every target. */
  public void exportTo(
      List<CacheOption> targets, List<CacheManifest.Entry> entries, RegistryAccess access)
      throws BuildFailedException {
    if (targets.isEmpty()) {
      return;
    }
    try {
      byte[] config = CacheManifest.config(entries);
      content.ingest(config);
      Manifest manifest =
          CacheManifest.manifest(Descriptor.of(CacheManifest.CONFIG_MEDIA_TYPE, config), entries);
      content.ingest(manifest.toJson());
      Descriptor root = manifest.descriptor();
      for (CacheOption target : targets) {
        try {
          switch (target.getType()) {
            case "registry" -> registry.push(ref(target), root, content, List.of(), access);
            case "local" ->
                new OciLayoutDirectoryExporter(content)
                    .export(root, List.of("slipway-cache:" + tag(target)), Path.of(dest(target)));
            case "inline" -> {} // written into the image config by the image exporter
            default -> throw unsupported("--cache-to", target.getType());
          }
        } catch (IOException e) {
          throw failure("exporting cache to " + describe(target), e);
        }
      }
    } catch (IOException e) {
      throw failure("writing the cache manifest", e);
    }
  }

  /** A cache manifest, or an image whose config carries an inline cache. */
  private void importRegistry(
      CacheOption source, RegistryAccess access, Map<String, Found> out, Consumer<String> warn)
      throws IOException {
    ImageName name = ref(source);
    Manifest manifest =
        Manifest.parse(registry.manifest(name, name.reference(), access), "cache manifest " + name);
    String configType = manifest.config().mediaType();
    boolean image =
        MediaTypes.OCI_CONFIG.equals(configType) || MediaTypes.DOCKER_CONFIG.equals(configType);
    if (!image) {
      checkConfig(manifest, name.toString());
    }
    registry.fetchAll(name, List.of(manifest.config()), content, access);
    byte[] config = content.read(manifest.config().digest());
    List<CacheManifest.Entry> entries;
    if (image) {
      Optional<List<CacheManifest.Entry>> inline =
          InlineCache.read(config, manifest.layers(), name.toString());
      if (inline.isEmpty()) {
        warn.accept(name + " is an image without an inline cache (--cache-to type=inline)");
        return;
      }
      entries = inline.get();
    } else {
      entries = CacheManifest.parseConfig(config, name.toString());
    }
    BlobSource blobs = blob -> registry.fetchAll(name, List.of(blob), content, access);
    for (CacheManifest.Entry e : entries) {
      out.putIfAbsent(e.key(), new Found(e, blobs));
    }
  }

  private void importLocal(CacheOption source, Map<String, Found> out) throws IOException {
    String src = source.getAttrsOrDefault("src", "");
    if (src.isEmpty()) {
      throw new IOException("type=local needs src=DIRECTORY");
    }
    Path dir = Path.of(src);
    ImageIndex index =
        ImageIndex.parse(Files.readAllBytes(dir.resolve("index.json")), dir + "/index.json");
    String tag = tag(source);
    Descriptor root =
        index.manifests().stream()
            .filter(d -> tag.equals(d.annotations().get(Annotations.REF_NAME)))
            .reduce((a, b) -> b)
            .orElseThrow(
                () ->
                    new java.nio.file.NoSuchFileException(dir + " (no cache tagged " + tag + ")"));
    BlobSource blobs =
        blob -> {
          try (InputStream in = Files.newInputStream(blobPath(dir, blob))) {
            content.ingest(in, blob);
          }
        };
    blobs.fetch(root);
    Manifest manifest = Manifest.parse(content.read(root.digest()), dir.toString());
    checkConfig(manifest, dir.toString());
    blobs.fetch(manifest.config());
    for (CacheManifest.Entry e :
        CacheManifest.parseConfig(content.read(manifest.config().digest()), dir.toString())) {
      out.putIfAbsent(e.key(), new Found(e, blobs));
    }
  }

  private static Path blobPath(Path dir, Descriptor blob) {
    return dir.resolve("blobs").resolve("sha256").resolve(blob.digest().hex());
  }

  private static void checkConfig(Manifest manifest, String where) throws IOException {
    if (!CacheManifest.CONFIG_MEDIA_TYPE.equals(manifest.config().mediaType())) {
      throw new IOException(
          where
              + " is not a Slipway build cache (its config is "
              + manifest.config().mediaType()
              + "); point --cache-from at a ref written with --cache-to");
    }
  }

  private static ImageName ref(CacheOption option) throws IOException {
    String ref = option.getAttrsOrDefault("ref", "");
    if (ref.isEmpty()) {
      throw new IOException("type=registry needs ref=REGISTRY/REPOSITORY[:TAG]");
    }
    try {
      return ImageName.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
  }

  private static String dest(CacheOption option) throws IOException {
    String dest = option.getAttrsOrDefault("dest", "");
    if (dest.isEmpty()) {
      throw new IOException("type=local needs dest=DIRECTORY");
    }
    return dest;
  }

  private static String tag(CacheOption option) {
    return option.getAttrsOrDefault("tag", "latest");
  }

  private static String describe(CacheOption option) {
    StringBuilder s = new StringBuilder("type=" + option.getType());
    for (String attr : List.of("ref", "src", "dest")) {
      if (option.containsAttrs(attr)) {
        s.append(',').append(attr).append('=').append(option.getAttrsOrThrow(attr));
      }
    }
    return s.toString();
  }

  private static BuildFailedException unsupported(String flag, String type) {
    return BuildFailedException.of(
        ErrorKind.ERROR_KIND_INVALID_INPUT,
        flag
            + " type="
            + type
            + " is not supported by this engine; use type=registry,ref=… (also for an image"
            + " carrying an inline cache) or type=local");
  }

  private static BuildFailedException failure(String what, IOException e) {
    return BuildFailedException.of(
        ErrorKind.ERROR_KIND_REGISTRY, what + " failed: " + e.getMessage());
  }
}
