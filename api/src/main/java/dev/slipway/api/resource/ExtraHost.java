package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One /etc/hosts entry of RUN steps (docker build --add-host HOST:IP). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExtraHost {

  // A host name: a line of /etc/hosts must not be able to carry a second entry.
  @Required
  @Pattern("^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$")
  @JsonPropertyDescription("Host name, e.g. db.internal.")
  private String host;

  @Required
  @Pattern("^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$")
  @JsonPropertyDescription("IPv4 or IPv6 address the host name resolves to.")
  private String ip;

  public ExtraHost() {}

  public ExtraHost(String host, String ip) {
    this.host = host;
    this.ip = ip;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getIp() {
    return ip;
  }

  public void setIp(String ip) {
    this.ip = ip;
  }
}
