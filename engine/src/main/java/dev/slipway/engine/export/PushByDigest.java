package dev.slipway.engine.export;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildFailedException;

/**
 * The image output attribute {@code push-by-digest} (buildx's): push the image under its digest
 * only, with no tag, so that several builds (one per platform) can push into one repository without
 * racing for a tag; an index assembled afterwards gets the tag. As BuildKit, a name with a tag or
 * digest is refused then, rather than having its tag silently dropped.
 */
public final class PushByDigest {
  public static final String ATTRIBUTE = "push-by-digest";

  private PushByDigest() {}

  /**
   * Whether {@code output} asks for it; its value reads as Go's strconv.ParseBool, empty = true.
   */
  public static boolean of(Output output) throws BuildFailedException {
    String value = output.getAttrsMap().get(ATTRIBUTE);
    if (value == null) {
      return false;
    }
    return switch (value) {
      case "", "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default ->
          throw BuildFailedException.of(
              ErrorKind.ERROR_KIND_INVALID_INPUT,
              "image output attribute "
                  + ATTRIBUTE
                  + "="
                  + value
                  + " is not a boolean: use "
                  + ATTRIBUTE
                  + "=true or false");
    };
  }

  /**
   * Refuses, before anything runs, a pushed image output by digest whose name has a tag or a digest
   * (BuildKit refuses it when it pushes, after the build).
   */
  public static void check(SolveRequest request) throws BuildFailedException {
    for (Output output : request.getOutputsList()) {
      if (output.getType() != OutputType.OUTPUT_TYPE_IMAGE || !of(output) || !output.getPush()) {
        continue;
      }
      for (String name : output.getNamesList()) {
        if (hasReference(name)) {
          throw BuildFailedException.of(
              ErrorKind.ERROR_KIND_INVALID_INPUT,
              "cannot push "
                  + name
                  + " by digest: it names a tag or digest; with "
                  + ATTRIBUTE
                  + "=true give the repository only (e.g. name="
                  + repositoryOf(name)
                  + "), as BuildKit requires");
        }
      }
    }
  }

  /** Whether an image name carries a tag ({@code :tag} after the last slash) or a digest. */
  static boolean hasReference(String name) {
    return name.contains("@") || name.lastIndexOf(':') > name.lastIndexOf('/');
  }

  private static String repositoryOf(String name) {
    String rest = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
    int colon = rest.lastIndexOf(':');
    return colon > rest.lastIndexOf('/') ? rest.substring(0, colon) : rest;
  }
}
