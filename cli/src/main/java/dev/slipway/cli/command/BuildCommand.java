package dev.slipway.cli.command;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.cli.backend.BuildBackend;
import dev.slipway.cli.backend.BuildMode;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.load.ImageLoadTarget;
import dev.slipway.cli.progress.FailureReport;
import dev.slipway.cli.progress.ProgressPrinter;
import dev.slipway.cli.request.BuildFlags;
import dev.slipway.cli.request.CallFlag;
import dev.slipway.cli.request.ContextPaths;
import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code slipway build}: the flags of {@code docker buildx build}, run on a cluster (the default
 * with a kubeconfig), by a builder process ({@code --builder grpc://}) or by the embedded engine.
 * One flow for all three: the flags become a SolveRequest and a session, a {@link BuildBackend}
 * runs the build, and this shows its progress and writes what it produced.
 */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    sortOptions = false,
    description = "Build an image from a Dockerfile and a context.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  slipway build -t app:dev --output type=oci,dest=app.tar .",
      "  slipway build -f docker/Dockerfile --build-arg VERSION=1.2 --target runtime .",
      "  slipway build --secret id=npmrc,src=$HOME/.npmrc --ssh default -o out/ .",
      "  slipway build --progress=plain --metadata-file meta.json -o type=docker,dest=- . | docker load",
      "  slipway build -n team-a --builder big --push -t registry.example.com/app:1.0 ."
    })
public final class BuildCommand implements Callable<Integer> {

  @Mixin BuildFlags flags;

  @Mixin BackendFlags backend;

  @Override
  public Integer call() throws Exception {
    Invocation invocation = Invocation.current();
    PrintStream err = invocation.err();
    Map<String, String> env = invocation.environment();
    if (!ProgressPrinter.MODES.contains(flags.progress())) {
      throw new UsageException(
          "--progress "
              + flags.progress()
              + " is not known; use "
              + String.join(", ", ProgressPrinter.MODES));
    }
    BuildMode mode = backend.mode();
    CallFlag call;
    try {
      call = flags.call();
      flags.checkCombinations();
    } catch (UsageException e) {
      err.println("ERROR: " + e.getMessage());
      return 2;
    }
    if (mode == BuildMode.CLUSTER && !call.callsFrontend() && invocation.handOverToOwnProcess()) {
      return 0; // the daemon does not serve cluster builds; the launcher runs this one itself
    }
    ContextPaths paths = flags.paths();
    SolveRequest request = flags.toRequest(paths, env);
    ImageLoadTarget loadTarget = null;
    Path loadDir = null;
    if (flags.load() && !call.callsFrontend()) {
      loadTarget = ImageLoadTarget.find(env);
      // buildx: --load is --output type=docker, here into a private file on this machine
      loadDir = Files.createTempDirectory("slipway-load-");
      request =
          request.toBuilder()
              .addOutputs(
                  Output.newBuilder()
                      .setType(OutputType.OUTPUT_TYPE_DOCKER)
                      .setDest(loadDir.resolve("image.tar").toString())
                      .addAllNames(
                          request.getOutputsList().stream()
                              .flatMap(o -> o.getNamesList().stream())
                              .distinct()
                              .toList())
                      .addAllNames(flags.tags()))
              .build();
    }
    try {
      return build(invocation, err, mode, call, paths, request, env, loadTarget, loadDir);
    } finally {
      if (loadDir != null) {
        Files.deleteIfExists(loadDir.resolve("image.tar"));
        Files.deleteIfExists(loadDir);
      }
    }
  }

  private int build(
      Invocation invocation,
      PrintStream err,
      BuildMode mode,
      CallFlag call,
      ContextPaths paths,
      SolveRequest request,
      Map<String, String> env,
      ImageLoadTarget loadTarget,
      Path loadDir)
      throws Exception {
    LocalSession session = flags.toSession(paths, env);
    BuildCancellation cancellation = new BuildCancellation();
    try (AutoCloseable interrupted =
            invocation.cancels().onCancel(() -> cancellation.cancel("interrupted"));
        BuildBackend builds = backend.open(mode, call.callsFrontend(), paths, notices(err));
        session) {
      BuildResult result;
      // Made once the backend is open, and always finished: a tty printer's redraw thread would
      // otherwise outlive a failed open (forever, in the daemon).
      ProgressPrinter printer =
          ProgressPrinter.create(
              flags.progress(), err, invocation.stderrIsTerminal(), invocation.columns());
      try {
        result = builds.build(request, session, printer, cancellation);
      } finally {
        printer.finish();
      }
      if (call.callsFrontend()) {
        return CallOutput.print(invocation.stdout(), err, call, result.getCall());
      }
      if (loadTarget != null) {
        loadTarget.load(loadDir.resolve("image.tar"));
      }
      writeResultFiles(invocation, result, request, mode);
      if (flags.quiet()) {
        // as buildx: the config digest when there is one, else the manifest's or index's
        invocation.stdout().println(BuildMetadata.imageId(result));
      } else {
        ResultSummary.print(notices(err), result);
      }
      if (request.getOutputsCount() == 0) {
        err.println(
            "WARNING: No output specified; the build result only remains in the build cache."
                + " Use --output or --push to keep it.");
      }
      return 0;
    } catch (UsageException e) {
      err.println("ERROR: " + e.getMessage());
      return 2;
    } catch (BuildFailedException e) {
      FailureReport.print(err, e.error(), flags.dockerfileLines());
      return 1;
    }
  }

  /**
   * Where lines about a BuildRequest go: rawjson and quiet promise nothing but their own output.
   */
  private PrintStream notices(PrintStream err) {
    return List.of("rawjson", "quiet").contains(flags.progress())
        ? new PrintStream(OutputStream.nullOutputStream())
        : err;
  }

  private void writeResultFiles(
      Invocation invocation, BuildResult result, SolveRequest request, BuildMode mode)
      throws IOException {
    if (flags.iidFile() != null && !BuildMetadata.imageId(result).isEmpty()) {
      Files.writeString(invocation.resolve(flags.iidFile()), BuildMetadata.imageId(result));
    }
    if (flags.metadataFile() != null) {
      Files.writeString(
          invocation.resolve(flags.metadataFile()),
          BuildMetadata.toJson(result, BuildMetadata.buildRef(mode, request.getBuildId())),
          StandardCharsets.UTF_8);
    }
  }
}
