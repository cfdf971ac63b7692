package dev.slipway.cli.request;

import dev.slipway.api.Dockerfiles;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the context and the Dockerfile of a build are on this machine, checked before anything
 * starts so a typo fails at once with a message that says which path is wrong.
 *
 * @param contextDir the context directory, or null for {@code slipway build -} (no context)
 * @param dockerfile the Dockerfile's path, or null when it came from standard input
 * @param dockerfileText the Dockerfile read from standard input, else null
 */
public record ContextPaths(Path contextDir, Path dockerfile, String dockerfileText) {

  static ContextPaths resolve(String context, String file) {
    if ("-".equals(context)) {
      if (file != null) {
        throw new UsageException("-f cannot be combined with a Dockerfile on standard input (-)");
      }
      return new ContextPaths(null, null, readStdin());
    }
    if (RemoteContext.looksRemote(context)) {
      throw new UsageException(RemoteContext.notSupported(context));
    }
    Path dir = Invocation.current().resolve(context);
    if (!Files.exists(dir)) {
      throw new UsageException("unable to prepare context: path \"" + context + "\" not found");
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageException(
          "unable to prepare context: \""
              + context
              + "\" is not a directory; give the"
              + " directory that holds the files the Dockerfile copies");
    }
    if ("-".equals(file)) {
      return new ContextPaths(dir, null, readStdin());
    }
    Path dockerfile =
        file == null ? dir.resolve(Dockerfiles.DEFAULT_NAME) : Invocation.current().resolve(file);
    if (!Files.isRegularFile(dockerfile)) {
      throw new UsageException(
          "failed to read Dockerfile: "
              + dockerfile
              + " does not exist; name it with -f PATH"
              + (file == null ? " or add a Dockerfile to the context" : ""));
    }
    return new ContextPaths(dir, dockerfile, null);
  }

  /** Read once per command: {@link BuildFlags#paths} keeps the result. */
  private static String readStdin() {
    try (InputStream in = Invocation.current().stdin()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("cannot read the Dockerfile from standard input: " + e.getMessage());
    }
  }
}
