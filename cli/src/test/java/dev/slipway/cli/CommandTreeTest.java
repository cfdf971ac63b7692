package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandTreeTest {

  @Test
  void everyCommandTakesHelp() {
    List<String> without = new ArrayList<>();
    collect(SlipwayCommand.commandLine(), without);
    assertThat(without).as("commands without --help/-h").isEmpty();
  }

  private static void collect(CommandLine command, List<String> without) {
    var spec = command.getCommandSpec();
    if (spec.findOption("--help") == null || spec.findOption("-h") == null) {
      without.add(spec.qualifiedName());
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, without));
  }
}
