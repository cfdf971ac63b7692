package dev.slipway.engine.exec;

import java.util.Objects;

/** One {@code --add-host name:ip} line for the generated {@code /etc/hosts}. */
public record HostEntry(String hostname, String address) {

  public HostEntry {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(address, "address");
    if (hostname.isBlank() || hostname.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid host name for /etc/hosts: '" + hostname + "'");
    }
    if (address.isBlank() || address.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid address for host '" + hostname + "'");
    }
  }
}
