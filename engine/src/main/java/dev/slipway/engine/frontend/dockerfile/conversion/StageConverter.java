package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import java.util.List;

/**
 * Converts one stage: sets it up from its FROM, runs the ONBUILD triggers its base passes on, then
 * hands each instruction to the converter of its family. Only filesystem-changing instructions make
 * a graph vertex; the rest change the image config.
 */
final class StageConverter {

  private final StageContext ctx;
  private final RunConverter run;
  private final CopyConverter copy;
  private final MetadataConverter metadata;
  private final HealthcheckConverter healthcheck;

  StageConverter(DockerfileConverter dockerfile, Stage stage) {
    this.ctx = new StageContext(dockerfile, stage);
    this.run = new RunConverter(ctx);
    this.copy = new CopyConverter(ctx);
    this.metadata = new MetadataConverter(ctx);
    this.healthcheck = new HealthcheckConverter(ctx);
  }

  ConvertedStage convert() {
    List<Instruction> triggers = new FromConverter(ctx).start();
    ctx.inTrigger(true);
    triggers.forEach(this::dispatch);
    ctx.inTrigger(false);
    ctx.stage().commands().forEach(this::dispatch);
    return ctx.result();
  }

  private void dispatch(Instruction instruction) {
    switch (instruction) {
      case Instruction.From f -> throw new IllegalStateException("FROM inside a stage");
      case Instruction.Run r -> run.run(r);
      case Instruction.Copy c -> copy.copy(c);
      case Instruction.Workdir w -> metadata.workdir(w);
      case Instruction.Arg a -> metadata.arg(a);
      case Instruction.Env e -> metadata.env(e);
      case Instruction.Label l -> metadata.label(l);
      case Instruction.Maintainer m -> metadata.maintainer(m);
      case Instruction.User u -> metadata.user(u);
      case Instruction.Expose e -> metadata.expose(e);
      case Instruction.Volume v -> metadata.volume(v);
      case Instruction.Cmd c -> metadata.cmd(c);
      case Instruction.Entrypoint e -> metadata.entrypoint(e);
      case Instruction.Shell s -> metadata.shell(s);
      case Instruction.StopSignal s -> metadata.stopSignal(s);
      case Instruction.Onbuild o -> metadata.onbuild(o);
      case Instruction.Healthcheck h -> healthcheck.healthcheck(h);
    }
  }
}
