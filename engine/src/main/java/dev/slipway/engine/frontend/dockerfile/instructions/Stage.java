package dev.slipway.engine.frontend.dockerfile.instructions;

import java.util.List;

/**
 * A build stage: a FROM and the instructions up to the next FROM. {@code name} is lower case (stage
 * names are case-insensitive) or null when unnamed.
 */
public record Stage(int index, String name, Instruction.From from, List<Instruction> commands) {

  public Stage {
    commands = List.copyOf(commands);
  }

  /** How progress names the stage: its name, or {@code stage-N}. */
  public String label() {
    return name != null ? name : "stage-" + index;
  }
}
