package dev.slipway.engine.fileop;

/** A COPY/ADD source path does not exist in the filesystem it is copied from. */
public final class SourceNotFoundException extends FileOpException {

  private final String path;

  public SourceNotFoundException(String path, String sourceName) {
    super(
        "\""
            + path
            + "\" not found in "
            + sourceName
            + ": check the path is spelled as in the source (paths are relative to the build"
            + " context or the --from stage/image root) and is not excluded by .dockerignore");
    this.path = path;
  }

  /** The missing path, absolute in the source filesystem. */
  public String path() {
    return path;
  }
}
