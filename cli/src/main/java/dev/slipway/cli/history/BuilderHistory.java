package dev.slipway.cli.history;

import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.HistoryLogsRequest;
import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.InspectHistoryRequest;
import dev.slipway.api.control.v1.ListHistoryRequest;
import dev.slipway.api.control.v1.RemoveHistoryRequest;
import dev.slipway.api.control.v1.SolveEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The history a builder process keeps, read over its Control API with the caller's credential: the
 * builder answers only with the records that credential may see.
 */
public final class BuilderHistory implements HistorySource {
  private final ControlGrpc.ControlBlockingStub control;
  private final AutoCloseable connection;
  private final String listCommand;

  public BuilderHistory(
      ControlGrpc.ControlBlockingStub control, AutoCloseable connection, String listCommand) {
    this.control = control;
    this.connection = connection;
    this.listCommand = listCommand;
  }

  @Override
  public List<HistoryRecord> list() {
    return call(
        () -> control.listHistory(ListHistoryRequest.getDefaultInstance()).getRecordsList());
  }

  @Override
  public HistoryRecord inspect(String id) {
    return call(
        () -> control.inspectHistory(InspectHistoryRequest.newBuilder().setBuildId(id).build()));
  }

  @Override
  public void logs(String id, Consumer<SolveEvent> events) {
    call(
        () -> {
          control
              .historyLogs(HistoryLogsRequest.newBuilder().setBuildId(id).build())
              .forEachRemaining(events);
          return null;
        });
  }

  @Override
  public List<String> remove(List<String> ids, Consumer<String> failures) {
    return call(
        () ->
            control
                .removeHistory(RemoveHistoryRequest.newBuilder().addAllBuildIds(ids).build())
                .getRemovedList());
  }

  @Override
  public String listCommand() {
    return listCommand;
  }

  private <T> T call(java.util.function.Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new HistoryException(
            e.getStatus().getDescription() + "; " + listCommand + " lists them");
      }
      throw new HistoryException(
          "the builder refused the history call: "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : ": " + e.getStatus().getDescription()));
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception e) {
      // the command ends with it
    }
  }
}
