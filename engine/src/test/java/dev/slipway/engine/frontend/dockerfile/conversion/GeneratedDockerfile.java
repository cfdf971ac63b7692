package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.ImageConfig;
import java.util.List;

/**
 * A realistic multi-stage Dockerfile (for the frontend benchmark and the fuzz corpus) of about 50
 * lines per stage, each stage reading the previous one: meta ARGs, ENV/ARG expansion, COPY with
 * flags, RUN with mounts and continuations, heredocs.
 */
public final class GeneratedDockerfile {

  private GeneratedDockerfile() {}

  public static String generate(int stages) {
    StringBuilder b =
        new StringBuilder("# syntax=docker/dockerfile:1\nARG BASE=alpine\nARG VERSION=1.2.3\n");
    for (int s = 0; s < stages; s++) {
      b.append("\nFROM ${BASE}:3.20 AS stage").append(s).append('\n');
      b.append("ARG VERSION\nARG TARGETARCH\nENV APP_HOME=/srv/app")
          .append(s)
          .append(" GOFLAGS=-trimpath\n");
      b.append("WORKDIR $APP_HOME\n");
      b.append("LABEL org.opencontainers.image.version=\"${VERSION}\" stage=\"")
          .append(s)
          .append("\"\n");
      for (int i = 0; i < 8; i++) {
        b.append("COPY --chown=app:app --chmod=0644 src/module")
            .append(i)
            .append("/*.go ./module")
            .append(i)
            .append("/\n");
        b.append("RUN --mount=type=cache,target=/root/.cache/go-build,id=go-")
            .append(i)
            .append(" \\\n    go build -o /out/bin")
            .append(i)
            .append(" ./module")
            .append(i)
            .append(" && \\\n    strip /out/bin")
            .append(i)
            .append('\n');
      }
      if (s > 0) {
        b.append("COPY --from=stage").append(s - 1).append(" /out/ /prev/\n");
      }
      b.append("COPY <<EOF /etc/app")
          .append(s)
          .append(".conf\nversion=${VERSION}\narch=$TARGETARCH\nEOF\n");
      b.append("ENV PATH=/out:$PATH\nEXPOSE 80").append(s).append("/tcp\nUSER 1000:1000\n");
      b.append("HEALTHCHECK --interval=30s CMD [\"/out/bin0\", \"health\"]\n");
      b.append("CMD [\"/out/bin0\"]\n");
    }
    return b.toString();
  }

  /** The base every stage uses, as an image store would return it. */
  public static ImageConfig resolve(String ref, Platform p) {
    return new ImageConfig(
        null,
        null,
        p.architecture(),
        p.os(),
        null,
        ContainerConfig.EMPTY.withEnv(List.of("PATH=/usr/bin:/bin")).withCmd(List.of("sh")),
        null,
        null);
  }
}
