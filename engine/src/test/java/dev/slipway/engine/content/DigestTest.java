package dev.slipway.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
  private static final String EMPTY =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void hashesBytesToTheWellKnownValue() {
    assertThat(Digest.of(new byte[0]).toString()).isEqualTo(EMPTY);
    assertThat(Digest.parse(EMPTY)).isEqualTo(Digest.of(new byte[0]));
  }

  @Test
  void rejectsMalformedDigestsSayingWhatIsWrong() {
    assertThatThrownBy(() -> Digest.parse("sha512:abcd"))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("unsupported digest algorithm \"sha512\"");
    assertThatThrownBy(() -> Digest.parse("e3b0c442"))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("expected algorithm:hex");
    assertThatThrownBy(() -> Digest.parse(EMPTY.toUpperCase().replace("SHA256", "sha256")))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("64 lowercase hex");
    assertThatThrownBy(() -> Digest.parse(EMPTY + "00")).isInstanceOf(InvalidDigestException.class);
    assertThat(Digest.isValid(EMPTY)).isTrue();
    assertThat(Digest.isValid("sha256:")).isFalse();
  }

  @Test
  void serializesAsAPlainJsonString() throws Exception {
    Descriptor d = Descriptor.of(MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
    String json = new String(CanonicalJson.write(d), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.of("{}".getBytes(StandardCharsets.UTF_8))
                + "\",\"size\":2}");
    assertThat(CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8), Descriptor.class, "t"))
        .isEqualTo(d);
  }

  @Test
  void canonicalJsonSortsMapKeysAndEscapesLikeGo() {
    Descriptor d =
        Descriptor.of(MediaTypes.OCI_LAYER, Digest.of(new byte[0]), 0)
            .withAnnotation("z", "a<b>&c")
            .withAnnotation("a", "1");
    String json = new String(CanonicalJson.write(d), StandardCharsets.UTF_8);
    assertThat(json).contains("\"annotations\":{\"a\":\"1\",\"z\":\"a\\u003cb\\u003e\\u0026c\"}");
  }
}
