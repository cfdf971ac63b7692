package dev.slipway.engine.exec;

import java.util.List;

/** One entry of the runtime spec's {@code mounts} array. */
record OciMount(String destination, String type, String source, List<String> options) {

  OciMount {
    options = List.copyOf(options);
  }

  static OciMount bind(String destination, String source, boolean readOnly, String... extra) {
    List<String> opts = new java.util.ArrayList<>(List.of("rbind", readOnly ? "ro" : "rw"));
    opts.addAll(List.of(extra));
    return new OciMount(destination, "bind", source, opts);
  }
}
