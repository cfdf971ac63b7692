package dev.slipway.session;

/**
 * Where an output of a build goes, as {@code Output.dest} carries it on the wire: the client's
 * standard output ({@code -}), a path on the client's machine ({@code client:PATH}, for a build
 * that runs elsewhere and sends the bytes back over the session), or a path on the machine that
 * runs the engine. Parse a dest once and switch over the type instead of testing string prefixes.
 */
public sealed interface OutputDestination {

  /** The client's standard output. */
  record Stdout() implements OutputDestination {
    @Override
    public String dest() {
      return "-";
    }
  }

  /** A file or directory on the client's machine, sent there over the session. */
  record ClientPath(String path) implements OutputDestination {
    static final String PREFIX = "client:";

    @Override
    public String dest() {
      return PREFIX + path;
    }
  }

  /** A file or directory on the machine that runs the engine ({@code slipway build --local}). */
  record EnginePath(String path) implements OutputDestination {
    @Override
    public String dest() {
      return path;
    }
  }

  /** This destination as {@code Output.dest} spells it. */
  String dest();

  /** Whether the bytes travel to the client over its session rather than to a local file. */
  default boolean viaSession() {
    return !(this instanceof EnginePath);
  }

  static OutputDestination parse(String dest) {
    if (dest.equals("-")) {
      return new Stdout();
    }
    if (dest.startsWith(ClientPath.PREFIX)) {
      return new ClientPath(dest.substring(ClientPath.PREFIX.length()));
    }
    return new EnginePath(dest);
  }

  /**
   * What a local dest becomes when the build runs elsewhere: standard output stays the client's, a
   * path here becomes a path on the client. The empty dest (an image output's) stays empty.
   */
  static String forRemote(String localDest) {
    return switch (parse(localDest)) {
      case EnginePath p when !p.path().isEmpty() -> new ClientPath(p.path()).dest();
      default -> localDest;
    };
  }
}
