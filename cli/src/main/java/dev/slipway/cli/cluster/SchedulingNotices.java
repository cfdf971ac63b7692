package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a person sees while a BuildRequest waits for a builder pod: one line each time its phase,
 * queue position or step counts change.
 */
final class SchedulingNotices implements Consumer<BuildRequest> {
  private final PrintStream out;
  private String last;

  SchedulingNotices(PrintStream out) {
    this.out = out;
  }

  /** Whether the operator has written a phase yet: until then, nobody has taken up the request. */
  boolean sawPhase() {
    return last != null;
  }

  @Override
  public void accept(BuildRequest request) {
    String line = describe(request.getStatus());
    if (line != null && !line.equals(last)) {
      last = line;
      out.println(line);
    }
  }

  static String describe(BuildRequestStatus status) {
    if (status == null || status.getPhase() == null) {
      return null;
    }
    StringBuilder line = new StringBuilder(status.getPhase().wireName());
    if (status.getPhase() == BuildPhase.QUEUED && status.getQueuePosition() != null) {
      line.append(" (position ").append(status.getQueuePosition()).append(")");
    }
    if (status.getSteps() != null && status.getSteps().getTotal() != null) {
      line.append(" ")
          .append(Objects.requireNonNullElse(status.getSteps().getDone(), 0))
          .append("/")
          .append(status.getSteps().getTotal())
          .append(" steps");
    }
    if (status.getMessage() != null) {
      line.append(": ").append(status.getMessage());
    }
    return line.toString();
  }
}
