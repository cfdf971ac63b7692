package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.usage.UsageException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuilderAddressTest {
  @Test
  void grpcIsPlaintextAndGrpcsIsTls() {
    assertThat(BuilderAddress.parse("grpc://127.0.0.1:7443"))
        .isEqualTo(new BuilderAddress("127.0.0.1", 7443, false));
    assertThat(BuilderAddress.parse("grpcs://builder.example:7443"))
        .isEqualTo(new BuilderAddress("builder.example", 7443, true));
    assertThat(BuilderAddress.parse("grpcs://b.example:1")).hasToString("grpcs://b.example:1");
  }

  @Test
  void anotherSchemeIsRefusedWithBothForms() {
    assertThatThrownBy(() -> BuilderAddress.parse("http://127.0.0.1:7443"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("grpc://HOST:PORT (loopback) or grpcs://HOST:PORT (TLS)");
  }

  @Test
  void plaintextToABuilderElsewhereIsRefusedBeforeAnyTokenIsSent() {
    assertThatThrownBy(
            () -> BuilderProcessBackend.connect("grpc://192.0.2.1:7443", null, null, Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("grpc:// is plaintext")
        .hasMessageContaining("grpcs://192.0.2.1:7443 with --tls-ca FILE");
  }

  @Test
  void aCaFileForAPlaintextBuilderIsRefused() {
    assertThatThrownBy(
            () ->
                BuilderProcessBackend.connect(
                    "grpc://127.0.0.1:7443",
                    null,
                    java.nio.file.Path.of("/nonexistent/ca.pem"),
                    Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--tls-ca is for a grpcs:// builder");
  }
}
