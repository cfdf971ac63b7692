package dev.slipway.engine;

import dev.slipway.engine.content.BlobInfo;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.testing.Command;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian base image the tests make themselves: {@code debootstrap --variant=minbase} from
 * Debian's mirror, kept as one tar outside the repository (per suite) so later runs skip the
 * download, and imported into an engine's image store as a single-layer image.
 */
public final class DebianMinbase {
  static final String SUITE = "bookworm";
  static final String MIRROR = "http://deb.debian.org/debian";
  static final Path CACHE = Path.of("/var/cache/slipway-test");

  private DebianMinbase() {}

  /** The root filesystem tar, made once per machine and suite. */
  static Path rootfsTar() throws IOException, InterruptedException {
    Path tar = CACHE.resolve("debian-minbase-" + SUITE + ".tar");
    Files.createDirectories(CACHE);
    try (FileChannel lock =
            FileChannel.open(
                CACHE.resolve("debian-minbase-" + SUITE + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        var held = lock.lock()) {
      if (Files.isRegularFile(tar)) {
        return tar;
      }
      Path work = Files.createTempDirectory(CACHE, "debootstrap-");
      try {
        Path root = work.resolve("root");
        run(
            List.of("debootstrap", "--variant=minbase", SUITE, root.toString(), MIRROR),
            TimeUnit.MINUTES.toSeconds(20));
        Path partial = work.resolve("rootfs.tar");
        run(
            List.of(
                "tar",
                "--numeric-owner",
                "--xattrs",
                "-C",
                root.toString(),
                "-cf",
                partial.toString(),
                "."),
            600);
        Files.move(partial, tar, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        run(List.of("rm", "-rf", work.toString()), 600);
      }
      return tar;
    }
  }

  /** Imports the base into the image store of {@code stateDir} as {@code name}. */
  static void importInto(Path stateDir, String name) throws IOException, InterruptedException {
    ContentStore content = ContentStore.open(stateDir.resolve("content"));
    ImageStore images = ImageStore.open(stateDir.resolve("images"), content);
    BlobInfo layer;
    try (InputStream in = Files.newInputStream(rootfsTar())) {
      layer = content.ingest(in);
    }
    Platform host = Platform.host();
    ImageConfig config =
        new ImageConfig(
                null,
                null,
                host.architecture(),
                host.os(),
                null,
                ContainerConfig.EMPTY
                    .withEnv(
                        List.of(
                            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))
                    .withCmd(List.of("bash")),
                null,
                null)
            .withLayer(
                layer.digest().toString(),
                new HistoryEntry(
                    null, "debootstrap --variant=minbase " + SUITE, null, null, false));
    Image image =
        images.create(
            config, List.of(Descriptor.of(MediaTypes.OCI_LAYER, layer.digest(), layer.size())));
    images.tagImported(name, image.descriptor());
  }

  private static void run(List<String> command, long timeoutSeconds) throws IOException {
    Command.Result result = Command.of(command).timeout(Duration.ofSeconds(timeoutSeconds)).run();
    if (!result.succeeded()) {
      String text = result.stdout() + result.stderr();
      throw new IOException(
          String.join(" ", command)
              + " failed: "
              + text.substring(Math.max(0, text.length() - 2000))
              + (command.get(0).equals("debootstrap")
                  ? " (install it with `apt-get install debootstrap`; needs " + MIRROR + ")"
                  : ""));
    }
  }
}
