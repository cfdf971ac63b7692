package dev.slipway.launcher;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first frame of a connection: which command to run, from where and with which environment, as
 * the launcher's own process sees them.
 *
 * @param protocol {@link Frames#PROTOCOL} of the launcher
 * @param identity the {@link DaemonIdentity} the launcher expects to talk to
 * @param terminals which of stdin, stdout and stderr are terminals
 * @param columns the terminal's width, 0 when unknown
 */
public record Hello(
    int protocol,
    String identity,
    List<String> args,
    String cwd,
    Map<String, String> environment,
    Terminals terminals,
    int columns) {

  /** Which of the launcher's standard streams are terminals. */
  public record Terminals(boolean stdin, boolean stdout, boolean stderr) {}

  public Hello {
    args = List.copyOf(args);
    environment = Map.copyOf(environment);
  }

  /** Without the environment's values or the arguments: they may carry secrets. */
  @Override
  public String toString() {
    return "Hello[protocol="
        + protocol
        + ", identity="
        + identity
        + ", "
        + args.size()
        + " arguments, cwd="
        + cwd
        + ", "
        + environment.size()
        + " environment variables]";
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(protocol);
      string(out, identity);
      out.writeInt(args.size());
      for (String a : args) {
        string(out, a);
      }
      string(out, cwd);
      out.writeInt(environment.size());
      for (Map.Entry<String, String> e : environment.entrySet()) {
        string(out, e.getKey());
        string(out, e.getValue());
      }
      out.writeBoolean(terminals.stdin());
      out.writeBoolean(terminals.stdout());
      out.writeBoolean(terminals.stderr());
      out.writeInt(columns);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes what {@link #encode} wrote. Only the protocol number is read when it is not this
   * launcher's, so a daemon can say which versions disagree.
   */
  public static Hello decode(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
    int protocol = in.readInt();
    if (protocol != Frames.PROTOCOL) {
      return new Hello(
          protocol, "", List.of(), "", Map.of(), new Terminals(false, false, false), 0);
    }
    String identity = string(in);
    int argc = count(in);
    List<String> args = new ArrayList<>(argc);
    for (int i = 0; i < argc; i++) {
      args.add(string(in));
    }
    String cwd = string(in);
    int envc = count(in);
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < envc; i++) {
      env.put(string(in), string(in));
    }
    Terminals terminals = new Terminals(in.readBoolean(), in.readBoolean(), in.readBoolean());
    return new Hello(protocol, identity, args, cwd, env, terminals, in.readInt());
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    return new String(in.readNBytes(count(in)), StandardCharsets.UTF_8);
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > Frames.MAX_PAYLOAD) {
      throw new IOException("a HELLO count of " + n + " is beyond the protocol's bound");
    }
    return n;
  }
}
