package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.shell.VariableExpander;

/**
 * Refuses variables in {@code COPY --from} and {@code RUN --mount=from=}, as BuildKit does: it
 * links stages before any ARG has a value, so such a reference could never name the stage it seems
 * to. A global ARG in a {@code FROM ... AS alias} stage is the way to choose a source.
 */
final class FromReferences {

  private FromReferences() {}

  /** Throws when {@code instruction} reads a stage or image named with a variable. */
  static void check(Instruction instruction, VariableExpander expander) {
    if (instruction instanceof Instruction.Copy c && c.from() != null) {
      String literal;
      try {
        literal = expander.expand(c.from(), name -> null).value();
      } catch (VariableExpander.ExpansionException e) {
        throw new DockerfileException(
            c.meta().position(), e.getMessage() + " in --from=\"" + c.from() + "\"");
      }
      // quotes and escapes count too: BuildKit compares the word with its expansion
      if (!literal.equals(c.from())) {
        throw refusal(c.meta(), "--from=" + c.from());
      }
    }
    if (instruction instanceof Instruction.Run r) {
      for (String spec : r.mounts()) {
        String from = RunMounts.readsFrom(spec);
        int dollar = from == null ? -1 : from.indexOf('$');
        if (dollar >= 0 && dollar != from.length() - 1) {
          throw refusal(r.meta(), "--mount=...,from=" + from);
        }
      }
    }
  }

  private static DockerfileException refusal(Instruction.Meta meta, String what) {
    return new DockerfileException(
        meta.position(),
        "variable expansion is not supported in "
            + what
            + ": define a stage with FROM <image-or-stage-using-a-global-ARG> AS <alias> and"
            + " name that alias");
  }
}
