package dev.slipway.session.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrincipalsTest {

  @Test
  void aBuildRequestsTenantIsItsNamespaceAndAnyOtherCallerIsItsOwn() {
    assertThat(Principals.tenant(Principals.buildRequest("team-a", "app-1")))
        .isEqualTo(Principals.tenant(Principals.buildRequest("team-a", "app-2")))
        .isEqualTo("namespace:team-a")
        .isNotEqualTo(Principals.tenant(Principals.buildRequest("team-b", "app-1")));
    assertThat(Principals.tenant("local")).isEqualTo("caller:local");
    assertThat(Principals.tenant("buildrequest:no-slash")).isEqualTo("caller:buildrequest:no-slash");
    assertThat(Principals.tenant("namespace:team-a"))
        .as("a caller cannot name itself into a tenant it is not")
        .isEqualTo("caller:namespace:team-a");
  }
}
