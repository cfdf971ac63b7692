package dev.slipway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way tests run an external program (git, skopeo, helm, kubectl, bin/slipway, …): set up
 * its arguments, environment, directory, standard input and time limit, then {@link #run()} it to
 * its end or {@link #start(Path)} it in the background.
 *
 * <p>Both output streams are read while the program runs, so a chatty program never blocks on a
 * full pipe and the time limit fires even when it prints nothing. Every failure (cannot start, too
 * slow, {@link Result#requireSuccess() non-zero exit}) is an {@link AssertionError} naming the
 * command and what it printed.
 */
public final class Command {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final List<String> command;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private Path directory;
  private String stdin;
  private Duration timeout = DEFAULT_TIMEOUT;

  private Command(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program");
    }
    this.command = List.copyOf(command);
  }

  public static Command of(String program, String... args) {
    List<String> command = new ArrayList<>();
    command.add(program);
    command.addAll(List.of(args));
    return new Command(command);
  }

  public static Command of(List<String> command) {
    return new Command(command);
  }

  /** Runs the program in {@code dir} instead of this JVM's working directory. */
  public Command in(Path dir) {
    this.directory = dir;
    return this;
  }

  /** Sets {@code name} in the program's environment, or removes it when {@code value} is null. */
  public Command env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** {@link #env(String, String)} for each entry (a null value removes the variable). */
  public Command env(Map<String, String> variables) {
    variables.forEach(this::env);
    return this;
  }

  /** Text for standard input; without it the program reads end-of-file at once. */
  public Command stdin(String text) {
    this.stdin = text;
    return this;
  }

  /** How long {@link #run()} (or {@link Running#await()}) waits; five minutes unless set. */
  public Command timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** Runs to the end; the program may fail (see {@link Result#requireSuccess()}). */
  public Result run() {
    Process process = startProcess(null);
    FutureTask<byte[]> out = drain(process.getInputStream());
    FutureTask<byte[]> err = drain(process.getErrorStream());
    feed(process.getOutputStream(), stdin);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new AssertionError(
            describe()
                + " did not finish within "
                + timeout
                + "\n--- stdout\n"
                + text(out)
                + "\n--- stderr\n"
                + text(err));
      }
      return new Result(command, process.exitValue(), text(out), text(err));
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + describe(), e);
    }
  }

  /** Runs to the end and returns standard output; fails unless the program exits 0. */
  public String output() {
    return run().requireSuccess().stdout();
  }

  /**
   * Starts the program in the background, both output streams going to {@code log}; for a program
   * the test acts on while it runs (kills it, watches what it does).
   */
  public Running start(Path log) {
    Process process = startProcess(log);
    feed(process.getOutputStream(), stdin);
    return new Running(this, process, log);
  }

  private Process startProcess(Path log) {
    List<String> argv = new ArrayList<>(command);
    argv.set(0, executable(command.get(0)));
    ProcessBuilder builder = new ProcessBuilder(argv);
    environment.forEach(
        (name, value) -> {
          if (value == null) {
            builder.environment().remove(name);
          } else {
            builder.environment().put(name, value);
          }
        });
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    if (log != null) {
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
    }
    try {
      return builder.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * ProcessBuilder looks a bare program name up in this JVM's PATH; a PATH given with {@link #env}
   * (say, the test cluster's tools) must win, as it would in a shell.
   */
  private String executable(String program) {
    String path = environment.get("PATH");
    if (path == null || program.contains("/")) {
      return program;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program).toString();
      }
    }
    return program;
  }

  private String describe() {
    return String.join(" ", command) + (directory == null ? "" : " (in " + directory + ")");
  }

  /** Reads a stream to its end on a thread of its own. */
  private static FutureTask<byte[]> drain(InputStream stream) {
    FutureTask<byte[]> task =
        new FutureTask<>(
            () -> {
              ByteArrayOutputStream bytes = new ByteArrayOutputStream();
              try (stream) {
                stream.transferTo(bytes);
              } catch (IOException e) {
                // the process was killed: keep what it printed until then
              }
              return bytes.toByteArray();
            });
    Thread.ofPlatform().daemon().name("command-output").start(task);
    return task;
  }

  /** Writes standard input on a thread of its own, so a program that reads none cannot block. */
  private static void feed(OutputStream in, String text) {
    if (text == null) {
      close(in);
      return;
    }
    Thread.ofPlatform()
        .daemon()
        .name("command-input")
        .start(
            () -> {
              try (in) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
              } catch (IOException e) {
                // the program exited without reading all of it
              }
            });
  }

  private static void close(OutputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing to flush
    }
  }

  /** What a stream carried; a child that outlived a killed parent may keep it open: wait a bit. */
  private static String text(FutureTask<byte[]> output) {
    try {
      return new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    } catch (TimeoutException e) {
      return "(output still open after the program ended)";
    } catch (ExecutionException e) {
      return "(output lost: " + e.getCause() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted while reading output)";
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What a finished program said. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** This result, or an AssertionError with the command and its output unless it exited 0. */
    public Result requireSuccess() {
      if (!succeeded()) {
        throw new AssertionError(this.toString());
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " exited with "
          + exitCode
          + "\n--- stdout\n"
          + stdout
          + "\n--- stderr\n"
          + stderr;
    }
  }

  /** A program started with {@link #start(Path)}. */
  public static final class Running {
    private final Command command;
    private final Process process;
    private final Path log;

    private Running(Command command, Process process, Path log) {
      this.command = command;
      this.process = process;
      this.log = log;
    }

    public Process process() {
      return process;
    }

    /** Waits (at most the command's timeout, then kills it) for the exit code. */
    public int await() {
      try {
        if (!process.waitFor(command.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          kill(process);
          throw new AssertionError(
              command.describe() + " did not finish within " + command.timeout + ":\n" + output());
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        kill(process);
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + command.describe(), e);
      }
    }

    /** Everything it printed so far, both streams. */
    public String output() {
      try {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e + ")";
      }
    }
  }
}
