package dev.slipway.cli.command;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway completion bash|zsh}: prints a completion script for the shell. Picocli's script
 * serves both, since zsh runs bash completions through bashcompinit (the script loads it).
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "Print a shell completion script.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  source <(slipway completion bash)               # this bash session",
      "  slipway completion bash > /etc/bash_completion.d/slipway",
      "  echo 'source <(slipway completion zsh)' >> ~/.zshrc"
    })
public final class CompletionCommand implements Runnable {

  enum Shell {
    bash,
    zsh
  }

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    CommandLine root = spec.root().commandLine();
    String script = AutoComplete.bash(root.getCommandName(), root);
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
  }
}
