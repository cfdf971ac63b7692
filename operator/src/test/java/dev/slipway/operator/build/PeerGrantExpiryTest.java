package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PeerGrantExpiryTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private final BuildGrants grants = new BuildGrants(Clock.fixed(NOW, ZoneOffset.UTC));

  private static BuildRequest request(long timeoutSeconds) {
    BuildRequest request = new BuildRequest();
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setTimeoutSeconds(timeoutSeconds);
    request.setSpec(spec);
    return request;
  }

  @Test
  void aPeerGrantOfALongBuildExpiresWithinAnHour() {
    assertThat(grants.peerExpiry(request(Duration.ofHours(20).toSeconds())))
        .isEqualTo(NOW.plus(BuildGrants.PEER_LONGEST));
  }

  @Test
  void aPeerGrantOfAShortBuildExpiresWithItsBuildGrant() {
    assertThat(grants.peerExpiry(request(60)))
        .isEqualTo(NOW.plusSeconds(60).plus(BuildGrants.MARGIN));
  }
}
