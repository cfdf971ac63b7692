package dev.slipway.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.session.v1.ExportChunk;
import dev.slipway.engine.fileop.ArchiveLimits;
import dev.slipway.engine.fileop.ArchiveUnpacker;
import dev.slipway.engine.fileop.FileOpException;
import dev.slipway.engine.fileop.TestTar;
import dev.slipway.session.BuildSession;
import dev.slipway.session.SessionException;
import dev.slipway.session.serving.LocalOutputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated file listings and tar archives against the three places that write names a
 * client, a build or a builder chose: the context mirror (listings), ADD's archive unpacker and the
 * CLI's output unpacker (tars). Generators favour {@code ..}, absolute names, links to {@code /},
 * {@code ..} and the sentinel beside the root, hard links, duplicates and a directory replaced by a
 * file and back. Properties: only typed errors (IOException, SessionException, FileOpException),
 * and nothing outside the root changes. 100,000 cases in all (40,000 of them two listings each),
 * about a minute; works in /dev/shm when it exists, for speed. Absolute link targets are the
 * sentinel or {@code /} itself, and the host's {@code /} is compared too: a regression would show
 * here as an empty directory or small file of a generated name there.
 */
class ConfinedFuzzTest {
  private static Path base;
  private static Path sentinel;
  private static Path outer;
  private static List<String> hostRoot;
  private static final AtomicLong TRY = new AtomicLong();

  @BeforeContainer
  static void createSentinel() throws IOException {
    Path shm = Path.of("/dev/shm");
    Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of("target");
    // roots lie three levels below what the checks list, deeper than any generated ".." reaches
    outer = Files.createTempDirectory(parent.toAbsolutePath(), "slipway-confined-fuzz-");
    base = Files.createDirectories(outer.resolve("l1/l2/base"));
    sentinel = Files.createDirectory(base.resolve("sentinel"));
    Files.writeString(sentinel.resolve("secret"), "another build's data");
    Files.setAttribute(sentinel.resolve("secret"), "unix:mode", 0600);
    Files.createDirectory(sentinel.resolve("dir"));
    hostRoot = hostRoot();
  }

  @AfterContainer
  static void removeAll() throws IOException {
    if (outer != null) {
      deleteTree(outer);
    }
  }

  /** The names in the host's "/": a link to "/" followed out of a root would add some. */
  private static List<String> hostRoot() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/"))) {
      return s.map(Path::toString).sorted().toList();
    }
  }

  // ---- generators ---------------------------------------------------------------------------

  private static final List<String> NAMES =
      List.of(
          "a",
          "b",
          "a/b",
          "a/b/c",
          "b/a",
          "..",
          "../x",
          "../sentinel/secret",
          "../../sentinel/x",
          "../../sentinel/secret",
          ".",
          "./a",
          "a/..",
          "a/../..",
          "a/../../sentinel/x",
          "/",
          "/a",
          "//a",
          "a//b",
          "a/./b",
          "a/b/../../..",
          "sentinel/secret",
          "x",
          "a/x",
          "a/b/x",
          "c",
          "c/d",
          "SENTINEL/secret",
          "SENTINEL/x");

  /** Below a link: the names an attack appends to it. */
  private static final List<String> BELOW =
      List.of("x", "secret", "dir", "dir/x", "b/x", "..", "../x", ".", "secret/x");

  /** Link targets; absolute ones stay within the sentinel or "/" itself (see the class comment). */
  private static final List<String> TARGETS =
      List.of(
          "/",
          "..",
          "../..",
          "../../..",
          "../sentinel",
          "../../sentinel",
          "../../sentinel/secret",
          "a",
          "a/b",
          "b",
          "x",
          "a/x",
          ".",
          "./a",
          "c/d",
          "/a/b/../../..",
          "SENTINEL",
          "SENTINEL/secret",
          "SENTINEL/dir");

  enum Kind {
    DIR,
    FILE,
    SYMLINK,
    HARDLINK
  }

  record Item(Kind kind, String name, String target, int mode) {}

  private static Arbitrary<Item> item(Arbitrary<Kind> kinds, Arbitrary<String> names) {
    return Combinators.combine(
            kinds, names, Arbitraries.of(TARGETS), Arbitraries.of(0755, 0644, 0777, 04755, 0))
        .as(Item::new);
  }

  /**
   * Entries in chunks: a single random entry, or an attack: a symlink, hard link, file or directory
   * followed by an entry below it (a dir replaced by a link, a link then a file through it).
   */
  @Provide
  Arbitrary<List<Item>> items() {
    Arbitrary<String> name =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.of(NAMES)),
            net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("ab./").ofMaxLength(10)));
    Arbitrary<List<Item>> single = item(Arbitraries.of(Kind.class), name).map(List::of);
    Arbitrary<List<Item>> attack =
        Combinators.combine(
                item(Arbitraries.of(Kind.SYMLINK, Kind.SYMLINK, Kind.HARDLINK, Kind.FILE), name),
                item(Arbitraries.of(Kind.class), Arbitraries.of(BELOW)),
                Arbitraries.of(true, false))
            .as(
                (link, below, dirFirst) -> {
                  Item under =
                      new Item(
                          below.kind(),
                          link.name() + "/" + below.name(),
                          below.target(),
                          below.mode());
                  return dirFirst
                      ? List.of(new Item(Kind.DIR, link.name(), "", 0755), link, under)
                      : List.of(link, under);
                });
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(1, single), net.jqwik.api.Tuple.of(1, attack))
        .list()
        .ofMaxSize(5)
        .map(chunks -> chunks.stream().flatMap(List::stream).toList());
  }

  /** A listing, then a second one: random, or the first with types swapped (dirs become files). */
  @Provide
  Arbitrary<List<List<Item>>> twoListings() {
    return items()
        .flatMap(
            first ->
                Arbitraries.oneOf(
                    items().map(second -> List.of(first, second)),
                    Arbitraries.just(List.of(first, swapped(first)))));
  }

  private static List<Item> swapped(List<Item> items) {
    List<Item> out = new ArrayList<>();
    for (Item i : items) {
      Kind k =
          switch (i.kind()) {
            case DIR -> Kind.FILE;
            case FILE -> Kind.SYMLINK;
            case SYMLINK -> Kind.DIR;
            case HARDLINK -> Kind.FILE;
          };
      out.add(new Item(k, i.name(), i.target(), i.mode()));
    }
    return out;
  }

  /** Tar bytes with some bytes flipped, or cut short. */
  @Provide
  Arbitrary<byte[]> mutatedTars() {
    return Combinators.combine(
            items(),
            Arbitraries.integers().between(0, 6),
            Arbitraries.longs(),
            Arbitraries.of(true, false))
        .as(
            (items, flips, seed, cut) -> {
              byte[] tar = tar(items);
              java.util.Random random = new java.util.Random(seed);
              for (int i = 0; i < flips && tar.length > 0; i++) {
                int at = random.nextInt(Math.min(tar.length, 2048));
                tar[at] = (byte) random.nextInt(256);
              }
              if (cut && tar.length > 0) {
                tar = java.util.Arrays.copyOf(tar, random.nextInt(tar.length));
              }
              return tar;
            });
  }

  // ---- properties ---------------------------------------------------------------------------

  @Property(tries = 40_000, shrinking = ShrinkingMode.BOUNDED)
  void listingsStayInTheMirror(@ForAll("twoListings") List<List<Item>> listings)
      throws IOException {
    Path mirrorDir = base.resolve("t" + TRY.incrementAndGet());
    Path files = mirrorDir.resolve("files");
    // the mirror's own index beside its files may change; nothing else outside the files may
    Set<Path> mirrorOwn =
        Set.of(mirrorDir, mirrorDir.resolve("index.json"), mirrorDir.resolve("index.json.tmp"));
    List<String> before = listing(outer, p -> p.equals(files) || mirrorOwn.contains(p));
    try {
      for (List<Item> items : listings) {
        FakeClientContext client = client(items);
        try {
          ContextMirror.open(mirrorDir)
              .sync(client, List.of(), List.of(), List.of(), (current, total) -> {});
        } catch (IOException | SessionException e) {
          assertThat(e.getMessage()).isNotBlank();
        }
      }
      assertNothingOutside(before, p -> p.equals(files) || mirrorOwn.contains(p));
    } finally {
      deleteTree(mirrorDir);
    }
  }

  @Property(tries = 20_000, shrinking = ShrinkingMode.BOUNDED)
  void archivesStayInTheirDirectory(@ForAll("items") List<Item> items) throws IOException {
    unpackArchive(tar(items));
  }

  @Property(tries = 15_000, shrinking = ShrinkingMode.BOUNDED)
  void mutatedArchivesStayInTheirDirectory(@ForAll("mutatedTars") byte[] tar) throws IOException {
    unpackArchive(tar);
  }

  @Property(tries = 15_000, shrinking = ShrinkingMode.BOUNDED)
  void outputTarsStayInTheOutputDirectory(@ForAll("items") List<Item> items) throws Exception {
    unpackOutput(tar(items));
  }

  @Property(tries = 10_000, shrinking = ShrinkingMode.BOUNDED)
  void mutatedOutputTarsStayInTheOutputDirectory(@ForAll("mutatedTars") byte[] tar)
      throws Exception {
    unpackOutput(tar);
  }

  private void unpackArchive(byte[] tar) throws IOException {
    Path into = base.resolve("t" + TRY.incrementAndGet());
    Path archive = Files.write(base.resolve(into.getFileName() + ".tar"), tar);
    try {
      Files.createDirectory(into);
      List<String> before = listing(outer, into::equals);
      try {
        ArchiveUnpacker.unpack(archive, into, null, new ArchiveLimits(1 << 20, 1000));
      } catch (IOException | FileOpException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
      assertNothingOutside(before, into::equals);
    } finally {
      deleteTree(into);
      Files.delete(archive);
    }
  }

  private void unpackOutput(byte[] tar) throws Exception {
    Path dest = base.resolve("t" + TRY.incrementAndGet());
    List<String> before = listing(outer, dest::equals);
    try {
      Output output =
          Output.newBuilder()
              .setType(OutputType.OUTPUT_TYPE_LOCAL)
              .setDest(dest.toString())
              .build();
      LocalOutputs outputs =
          new LocalOutputs(
              LocalOutputs.forRemote(SolveRequest.newBuilder().addOutputs(output).build()),
              NO_CLIENT);
      outputs.receive(
          ExportChunk.newBuilder()
              .setOutput(0)
              .setData(ByteString.copyFrom(tar))
              .setEof(true)
              .build());
      try {
        outputs.awaitAll(Duration.ofSeconds(5));
      } catch (IOException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
      assertNothingOutside(before, dest::equals);
    } finally {
      deleteTree(dest);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Directory outputs need nothing of the client's session. */
  private static final BuildSession NO_CLIENT =
      new BuildSession() {
        @Override
        public dev.slipway.session.ContextFiles context(String name) throws SessionException {
          throw new SessionException("no contexts");
        }

        @Override
        public java.util.Optional<byte[]> secret(String id) {
          return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<Path> sshAgentSocket(String id) {
          return java.util.Optional.empty();
        }

        @Override
        public java.io.OutputStream outputStream(dev.slipway.session.OutputDestination dest)
            throws SessionException {
          throw new SessionException("no streams");
        }

        @Override
        public java.util.Optional<dev.slipway.session.RegistryCredentials> registryCredentials(
            String host) {
          return java.util.Optional.empty();
        }
      };

  private static String resolve(String s) {
    return s.replace("SENTINEL", sentinel.toString());
  }

  private static FakeClientContext client(List<Item> items) {
    FakeClientContext client = new FakeClientContext("fuzz");
    for (Item i : items) {
      String name = resolve(i.name());
      String target = resolve(i.target());
      switch (i.kind()) {
        case DIR -> client.dir(name, i.mode());
        case FILE -> client.file(name, "content of " + name);
        case SYMLINK -> client.symlink(name, target);
        case HARDLINK -> client.hardLink(name, target);
      }
    }
    return client;
  }

  private static byte[] tar(List<Item> items) {
    TestTar tar = new TestTar();
    for (Item i : items) {
      String name = resolve(i.name());
      String target = resolve(i.target());
      switch (i.kind()) {
        case DIR -> tar.dir(name, i.mode());
        case FILE -> tar.file(name, ("content of " + name).getBytes(StandardCharsets.UTF_8));
        case SYMLINK -> tar.symlink(name, target);
        case HARDLINK -> tar.hardLink(name, target);
      }
    }
    try {
      return tar.bytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Everything but what {@code mayChange} names is as it was; the sentinel holds its data. */
  private static void assertNothingOutside(List<String> before, Predicate<Path> mayChange)
      throws IOException {
    assertThat(listing(outer, mayChange)).isEqualTo(before);
    assertThat(Files.readString(sentinel.resolve("secret"))).isEqualTo("another build's data");
    assertThat(hostRoot()).as("the host's /").isEqualTo(hostRoot);
  }

  /**
   * Every path below {@code root}, with mode, owner, lstat size and mtime, except those {@code
   * skip} names (a skipped directory is skipped with all below it).
   */
  static List<String> listing(Path root, Predicate<Path> skip) throws IOException {
    List<String> out = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(root) && skip.test(dir)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            add(dir, attrs);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!skip.test(file)) {
              add(file, attrs);
            }
            return FileVisitResult.CONTINUE;
          }

          private void add(Path p, BasicFileAttributes attrs) throws IOException {
            // base's own times change as each try's root comes and goes; its entries are listed
            if (!p.equals(root) && !p.equals(base)) {
              out.add(
                  root.relativize(p)
                      + " "
                      + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)
                      + " "
                      + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                      + " "
                      + attrs.size()
                      + " "
                      + attrs.lastModifiedTime());
            }
          }
        });
    out.sort(null);
    return out;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.setAttribute(dir, "unix:mode", 0755);
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
