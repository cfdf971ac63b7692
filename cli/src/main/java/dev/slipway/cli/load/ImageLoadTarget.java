package dev.slipway.cli.load;

import dev.slipway.cli.usage.UsageException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where {@code --load} puts the image: the local docker daemon or, when there is none, containerd,
 * each reached on its unix socket and fed the docker archive by its own client ({@code docker
 * load}, {@code ctr images import}). Chosen before the build, so a missing daemon fails fast.
 */
public sealed interface ImageLoadTarget {
  Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
  Path CONTAINERD_SOCKET = Path.of("/run/containerd/containerd.sock");
  long LOAD_TIMEOUT_MINUTES = 10;

  /** The socket the target listens on. */
  Path socket();

  /** The client command that loads {@code archive}. */
  List<String> command(Path archive);

  /** What a person reads: {@code docker (unix:///var/run/docker.sock)}. */
  String describe();

  /** The docker daemon at {@code socket}. */
  record Docker(Path socket) implements ImageLoadTarget {
    @Override
    public List<String> command(Path archive) {
      return List.of("docker", "--host", "unix://" + socket, "load", "--input", archive.toString());
    }

    @Override
    public String describe() {
      return "docker (unix://" + socket + ")";
    }
  }

  /** containerd at {@code socket}, into {@code namespace}. */
  record Containerd(Path socket, String namespace) implements ImageLoadTarget {
    @Override
    public List<String> command(Path archive) {
      // --digests names an untagged image by its digest, as docker lists it by ID
      return List.of(
          "ctr",
          "--address",
          socket.toString(),
          "--namespace",
          namespace,
          "images",
          "import",
          "--digests",
          archive.toString());
    }

    @Override
    public String describe() {
      return "containerd (" + socket + ", namespace " + namespace + ")";
    }
  }

  /**
   * The target the environment names ($DOCKER_HOST, then $CONTAINERD_ADDRESS), else the first
   * default socket that exists; refused with what to do when none is reachable.
   */
  static ImageLoadTarget find(Map<String, String> env) {
    String dockerHost = env.get("DOCKER_HOST");
    if (dockerHost != null && !dockerHost.isEmpty()) {
      if (!dockerHost.startsWith("unix://")) {
        throw new UsageException(
            "--load: DOCKER_HOST="
                + dockerHost
                + " is not a unix socket; only unix:///PATH is supported");
      }
      return reachable(new Docker(Path.of(dockerHost.substring("unix://".length()))));
    }
    String containerd = env.get("CONTAINERD_ADDRESS");
    String namespace = env.getOrDefault("CONTAINERD_NAMESPACE", "default");
    if (containerd != null && !containerd.isEmpty()) {
      return reachable(new Containerd(Path.of(containerd.replaceFirst("^unix://", "")), namespace));
    }
    if (Files.exists(DOCKER_SOCKET, LinkOption.NOFOLLOW_LINKS)) {
      return reachable(new Docker(DOCKER_SOCKET));
    }
    if (Files.exists(CONTAINERD_SOCKET, LinkOption.NOFOLLOW_LINKS)) {
      return reachable(new Containerd(CONTAINERD_SOCKET, namespace));
    }
    throw new UsageException(
        "--load: no docker daemon ($DOCKER_HOST, "
            + DOCKER_SOCKET
            + ") or containerd ($CONTAINERD_ADDRESS, "
            + CONTAINERD_SOCKET
            + ") is running here; start one, or write the image to a file with"
            + " --output type=docker,dest=image.tar");
  }

  /** The target when its socket is a socket something listens on; refused otherwise. */
  private static ImageLoadTarget reachable(ImageLoadTarget target) {
    Path socket = target.socket();
    try {
      int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if ((mode & 0170000) != 0140000) {
        throw new UsageException(
            "--load: "
                + socket
                + " is not a socket; point "
                + variable(target)
                + " at the daemon's socket");
      }
    } catch (IOException e) {
      throw new UsageException(
          "--load: " + socket + " does not exist; is " + target.describe() + " running?");
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new UsageException(
          "--load: cannot connect to "
              + target.describe()
              + ": "
              + e.getMessage()
              + "; is it running?");
    }
    return target;
  }

  private static String variable(ImageLoadTarget target) {
    return target instanceof Docker ? "DOCKER_HOST=unix://PATH" : "CONTAINERD_ADDRESS";
  }

  /** Loads {@code archive} (a docker archive) with the target's own client. */
  default void load(Path archive) throws IOException {
    LoadProcess.run(command(archive), Duration.ofMinutes(LOAD_TIMEOUT_MINUTES), describe());
  }
}
