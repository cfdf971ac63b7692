package dev.slipway.api.resource;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientContextTest {

  @Test
  void aBaseImageHintIsWhatTheCrdAdmits() {
    assertThat(ClientContext.isBaseImageHint("127.0.0.1:5000/busybox:latest")).isTrue();
    assertThat(ClientContext.isBaseImageHint("a".repeat(255))).isTrue();
    assertThat(ClientContext.isBaseImageHint("a".repeat(256))).as("too long").isFalse();
    assertThat(ClientContext.isBaseImageHint("busybox latest")).as("a space").isFalse();
    assertThat(ClientContext.isBaseImageHint("")).isFalse();
    assertThat(ClientContext.isBaseImageHint(null)).isFalse();
  }
}
