package dev.slipway.engine.image;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.slipway.engine.content.BlobNotFoundException;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Local named images: a name (as the user wrote it, e.g. {@code busybox:latest}) points at a
 * manifest or index descriptor whose blobs live in the {@link ContentStore}. The name table is one
 * JSON file rewritten atomically (temp, fsync, rename) under an OS file lock, so a crash leaves the
 * old or the new table and concurrent engines on one state dir do not lose each other's updates.
 * Registry pulls plug in by ingesting blobs into the content store and calling {@link #tag}. Each
 * name also records its {@link ImageOrigin} (in a second table, written first when it restricts and
 * last when it relaxes, so a crash between the two errs on the side of asking the registry). A name
 * without a record is restricted to nobody: stores kept from before origins were recorded hold
 * names pulled with some user's credentials, and those must not turn public.
 */
public final class ImageStore {
  private static final String TABLE = "images.json";
  private static final TypeReference<TreeMap<String, Descriptor>> TABLE_TYPE =
      new TypeReference<>() {};
  private static final String ORIGINS = "origins.json";
  private static final TypeReference<TreeMap<String, Provenance>> ORIGINS_TYPE =
      new TypeReference<>() {};

  /** What a name without a record counts as: pulled with credentials by no build that exists. */
  private static final Provenance UNRECORDED =
      new Provenance(ImageOrigin.PULLED_WITH_CREDENTIALS, "");

  /**
   * How a name came here and for whom: the owner (a build's {@code BuildSession.ownerKey()}) may
   * use its own outputs and pulls again without asking the registry, as a user of {@code --local}
   * builds {@code FROM app} after {@code -t app}; everyone else must show the registry lets them.
   */
  public record Provenance(ImageOrigin origin, String owner) {}

  private final Path dir;
  private final ContentStore content;

  private ImageStore(Path dir, ContentStore content) {
    this.dir = dir;
    this.content = content;
  }

  public static ImageStore open(Path dir, ContentStore content) throws IOException {
    Files.createDirectories(dir);
    return new ImageStore(dir.toAbsolutePath(), content);
  }

  public ContentStore content() {
    return content;
  }

  /**
   * Points {@code name} at a manifest or index (replacing what it pointed at), as imported by
   * whoever runs the engine: every build may use it.
   */
  public void tagImported(String name, Descriptor target) throws IOException {
    tag(name, target, ImageOrigin.IMPORTED, "");
  }

  /** Points {@code name} at a manifest or index, recording how it came here and for whom. */
  public void tag(String name, Descriptor target, ImageOrigin origin, String owner)
      throws IOException {
    checkName(name);
    if (!MediaTypes.isManifest(target.mediaType()) && !MediaTypes.isIndex(target.mediaType())) {
      throw new IllegalArgumentException(
          "cannot name " + target.digest() + ": media type " + target.mediaType() + " is no image");
    }
    if (!content.exists(target.digest())) {
      throw new BlobNotFoundException(target.digest(), "content store " + content.root());
    }
    UnaryOperator<TreeMap<String, Descriptor>> put =
        table -> {
          table.put(name, target);
          return table;
        };
    UnaryOperator<TreeMap<String, Provenance>> record =
        origins -> {
          origins.put(name, new Provenance(origin, owner));
          return origins;
        };
    if (origin.sharedWithEveryBuild()) {
      update(put, record);
    } else {
      updateOriginsFirst(put, record);
    }
  }

  /** What a name points at, and how it came here. */
  public record Named(Descriptor target, Provenance provenance) {

    /**
     * Whether the build of {@code owner} may use it without asking the registry; a blank owner (an
     * unrecorded name) is nobody's.
     */
    public boolean usableWithoutCheckBy(String owner) {
      return provenance.origin().sharedWithEveryBuild()
          || (!provenance.owner().isBlank() && provenance.owner().equals(owner));
    }
  }

  /**
   * What {@code name} points at with its origin (restricted to nobody when none is recorded), both
   * read under the table lock so that the origin is the target's.
   */
  public Optional<Named> lookupNamed(String name) throws IOException {
    @SuppressWarnings("unchecked")
    Optional<Named>[] found = new Optional[1];
    locked(
        () -> {
          Descriptor target = readTable().get(name);
          found[0] =
              target == null
                  ? Optional.empty()
                  : Optional.of(
                      new Named(
                          target, readTable(ORIGINS, ORIGINS_TYPE).getOrDefault(name, UNRECORDED)));
        });
    return found[0];
  }

  /** Removes a name (not the blobs); returns false when it did not exist. */
  public boolean remove(String name) throws IOException {
    boolean[] removed = {false};
    update(
        table -> {
          removed[0] = table.remove(name) != null;
          return table;
        },
        origins -> {
          origins.remove(name);
          return origins;
        });
    return removed[0];
  }

  public Optional<Descriptor> lookup(String name) throws IOException {
    return Optional.ofNullable(readTable().get(name));
  }

  /** All names, sorted. */
  public SortedMap<String, Descriptor> list() throws IOException {
    return Collections.unmodifiableSortedMap(readTable());
  }

  /** The image {@code name} refers to, for {@code platform} when it is a multi-platform index. */
  public Image image(String name, Platform platform) throws IOException {
    Descriptor target =
        lookup(name)
            .orElseThrow(
                () ->
                    new ImageNotFoundException(
                        "no local image named \""
                            + name
                            + "\" in "
                            + dir
                            + ": import it from an archive or pull it first"));
    return resolve(target, platform);
  }

  /**
   * Reads the image a manifest or index descriptor designates; from an index the entry matching
   * {@code platform} is chosen (nested indexes are followed).
   */
  public Image resolve(Descriptor target, Platform platform) throws IOException {
    Descriptor current = target;
    for (int depth = 0; MediaTypes.isIndex(current.mediaType()); depth++) {
      if (depth > 4) {
        throw new InvalidContentException("image index " + target.digest() + " nests too deeply");
      }
      ImageIndex index = ImageIndex.parse(readBlob(current), "image index " + current.digest());
      current = selectPlatform(index, platform, current);
    }
    if (!MediaTypes.isManifest(current.mediaType())) {
      throw new InvalidContentException(
          current.digest() + " has media type " + current.mediaType() + ", not an image manifest");
    }
    Manifest manifest = Manifest.parse(readBlob(current), "manifest " + current.digest());
    ImageConfig config =
        CanonicalJson.read(
            readBlob(manifest.config()),
            ImageConfig.class,
            "image config " + manifest.config().digest());
    return new Image(current, manifest, config);
  }

  /**
   * Stores a new single-platform image (config and OCI manifest blobs) whose layers are already in
   * the content store, and returns it. Not named until {@link #tag}.
   */
  public Image create(ImageConfig config, List<Descriptor> layers) throws IOException {
    byte[] configJson = CanonicalJson.write(config);
    content.ingest(configJson);
    return create(Descriptor.of(MediaTypes.OCI_CONFIG, configJson), config, layers);
  }

  /**
   * Stores the OCI manifest of an image whose config blob (kept byte for byte, e.g. from an
   * archive) and layers are already in the content store.
   */
  public Image create(Descriptor configBlob, ImageConfig config, List<Descriptor> layers)
      throws IOException {
    return create(configBlob, config, layers, Map.of());
  }

  /** As {@link #create(Descriptor, ImageConfig, List)}, with annotations on the manifest. */
  public Image create(
      Descriptor configBlob,
      ImageConfig config,
      List<Descriptor> layers,
      Map<String, String> annotations)
      throws IOException {
    if (!content.exists(configBlob.digest())) {
      throw new BlobNotFoundException(configBlob.digest(), "content store " + content.root());
    }
    for (Descriptor layer : layers) {
      if (!content.exists(layer.digest()) && !MediaTypes.isForeignLayer(layer.mediaType())) {
        throw new BlobNotFoundException(layer.digest(), "content store " + content.root());
      }
    }
    Manifest manifest =
        new Manifest(2, MediaTypes.OCI_MANIFEST, null, configBlob, layers, null, annotations);
    byte[] manifestJson = manifest.toJson();
    content.ingest(manifestJson);
    Descriptor descriptor =
        Descriptor.of(MediaTypes.OCI_MANIFEST, manifestJson).withPlatform(config.platform());
    return new Image(descriptor, manifest, config);
  }

  /** Picks the index entry for {@code wanted}; a missing variant matches any variant. */
  public static Descriptor selectPlatform(ImageIndex index, Platform wanted, Descriptor where)
      throws ImageNotFoundException {
    Descriptor loose = null;
    List<String> available = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      Platform p = d.platform();
      if (p == null) {
        continue; // attestations and other artifacts carry no platform
      }
      available.add(p.toString());
      if (!p.os().equals(wanted.os()) || !p.architecture().equals(wanted.architecture())) {
        continue;
      }
      if (normalVariant(p).equals(normalVariant(wanted))) {
        return d;
      }
      if (loose == null && (p.variant().isEmpty() || wanted.variant().isEmpty())) {
        loose = d;
      }
    }
    if (loose != null) {
      return loose;
    }
    throw new ImageNotFoundException(
        "image index "
            + where.digest()
            + " has no image for platform "
            + wanted
            + "; available: "
            + (available.isEmpty() ? "none" : String.join(", ", available))
            + ". Choose one of those with --platform");
  }

  private static String normalVariant(Platform p) {
    // arm64 images are published both with and without the (only) v8 variant
    return p.architecture().equals("arm64") && p.variant().equals("v8") ? "" : p.variant();
  }

  private byte[] readBlob(Descriptor d) throws IOException {
    byte[] bytes = content.read(d.digest());
    if (bytes.length != d.size()) {
      throw new InvalidContentException(
          "blob "
              + d.digest()
              + " is "
              + bytes.length
              + " bytes but its descriptor says "
              + d.size());
    }
    return bytes;
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank() || name.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "invalid image name \"" + name + "\": it must be non-empty without spaces or controls");
    }
  }

  private TreeMap<String, Descriptor> readTable() throws IOException {
    return readTable(TABLE, TABLE_TYPE);
  }

  private <V> TreeMap<String, V> readTable(String file, TypeReference<TreeMap<String, V>> type)
      throws IOException {
    try {
      byte[] json = Files.readAllBytes(dir.resolve(file));
      try {
        return CanonicalJson.mapper().readValue(json, type);
      } catch (IOException e) {
        throw new InvalidContentException(
            "the image name table "
                + dir.resolve(file)
                + " is unreadable ("
                + e.getMessage()
                + "); restore it or delete it and re-import the images",
            e);
      }
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    }
  }

  private void update(
      UnaryOperator<TreeMap<String, Descriptor>> names,
      UnaryOperator<TreeMap<String, Provenance>> origins)
      throws IOException {
    locked(
        () -> {
          write(TABLE, names.apply(readTable()));
          writeOrigins(origins);
        });
  }

  private void updateOriginsFirst(
      UnaryOperator<TreeMap<String, Descriptor>> names,
      UnaryOperator<TreeMap<String, Provenance>> origins)
      throws IOException {
    locked(
        () -> {
          writeOrigins(origins);
          write(TABLE, names.apply(readTable()));
        });
  }

  /** Rewrites the origins table only when it changes (re-tagging often records the same). */
  private void writeOrigins(UnaryOperator<TreeMap<String, Provenance>> change) throws IOException {
    TreeMap<String, Provenance> before = readTable(ORIGINS, ORIGINS_TYPE);
    TreeMap<String, Provenance> after = change.apply(new TreeMap<>(before));
    if (!after.equals(before)) {
      write(ORIGINS, after);
    }
  }

  private interface TableChange {
    void run() throws IOException;
  }

  private synchronized void locked(TableChange change) throws IOException {
    try (FileChannel lockFile =
            FileChannel.open(
                dir.resolve(TABLE + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      change.run();
    }
  }

  /** Replaces {@code file} atomically: temp, fsync, rename, fsync of the directory. */
  private void write(String file, Map<String, ?> table) throws IOException {
    Path temp = Files.createTempFile(dir, file + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(CanonicalJson.write(table)));
        ch.force(true);
      }
      Files.move(temp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
