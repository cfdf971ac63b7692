package dev.slipway.engine.frontend.dockerfile.instructions;

import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import dev.slipway.engine.frontend.dockerfile.parser.Heredoc;
import java.util.List;

/**
 * One Dockerfile instruction, parsed but not yet evaluated: values are as written, variables are
 * expanded when the instruction is converted (they depend on the ARG and ENV state of the stage).
 */
public sealed interface Instruction {

  Meta meta();

  /** Where the instruction is and how it was written (for errors, history and progress). */
  record Meta(SourcePosition position, int endLine, String keywordAsWritten, String original) {}

  /** A command in exec form ({@code json}: argv as written) or shell form (one string). */
  record Command(List<String> args, boolean json) {
    public Command {
      args = List.copyOf(args);
    }
  }

  record KeyValue(String key, String value) {}

  record ArgDecl(String name, String defaultValue) {}

  record From(Meta meta, String image, String stageName, String asWordAsWritten, String platform)
      implements Instruction {}

  record Run(
      Meta meta,
      Command command,
      List<String> mounts,
      String network,
      String security,
      List<Heredoc> heredocs)
      implements Instruction {}

  record Cmd(Meta meta, Command command) implements Instruction {}

  record Entrypoint(Meta meta, Command command) implements Instruction {}

  record Env(Meta meta, List<KeyValue> pairs, boolean legacyForm) implements Instruction {}

  record Label(Meta meta, List<KeyValue> pairs, boolean legacyForm) implements Instruction {}

  record Maintainer(Meta meta, String name) implements Instruction {}

  record Expose(Meta meta, List<String> ports) implements Instruction {}

  /**
   * COPY, or ADD when {@code add}; {@code checksum}, {@code keepGitDir} and {@code unpack} are
   * ADD-only, the last two null when not given.
   */
  record Copy(
      Meta meta,
      boolean add,
      List<String> sources,
      String dest,
      List<Heredoc> heredocs,
      String from,
      String chown,
      String chmod,
      boolean link,
      boolean parents,
      List<String> excludes,
      String checksum,
      Boolean keepGitDir,
      Boolean unpack)
      implements Instruction {}

  record Volume(Meta meta, List<String> paths) implements Instruction {}

  record User(Meta meta, String user) implements Instruction {}

  record Workdir(Meta meta, String path) implements Instruction {}

  record Arg(Meta meta, List<ArgDecl> args) implements Instruction {}

  /** {@code trigger} is the instruction text after ONBUILD, as written. */
  record Onbuild(Meta meta, String trigger) implements Instruction {}

  record StopSignal(Meta meta, String signal) implements Instruction {}

  /** {@code test} null means HEALTHCHECK NONE; durations and retries as written, or null. */
  record Healthcheck(
      Meta meta,
      Command test,
      String interval,
      String timeout,
      String startPeriod,
      String startInterval,
      String retries)
      implements Instruction {}

  record Shell(Meta meta, List<String> shell) implements Instruction {}
}
