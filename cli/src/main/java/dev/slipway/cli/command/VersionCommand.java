package dev.slipway.cli.command;

import dev.slipway.cli.invocation.Invocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code slipway version}: the CLI's version and the Java runtime it runs on. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version of slipway.")
public final class VersionCommand implements Runnable, IVersionProvider {

  static String version() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "slipway " + version(),
      "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }

  @Override
  public void run() {
    for (String line : getVersion()) {
      Invocation.current().stdout().println(line);
    }
  }
}
