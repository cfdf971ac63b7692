package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A git repository as build context. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitContext {

  @Required
  @Pattern("^(https?://|ssh://|git://|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:).+")
  @JsonPropertyDescription("Repository URL: https://, http://, ssh://, git:// or user@host:path.")
  private String url;

  @JsonPropertyDescription("Branch, tag or commit. Default: the remote's default branch.")
  private String ref;

  @JsonPropertyDescription("Directory inside the repository used as the context root.")
  private String subdir;

  @Default("false")
  @JsonPropertyDescription("Keep the .git directory in the context.")
  private Boolean keepGitDir = false;

  @JsonPropertyDescription(
      "Secret with credentials for the remote: ssh-privatekey (without a passphrase; a "
          + "kubernetes.io/ssh-auth Secret) for ssh URLs, whose host key is accepted when first "
          + "seen, or username and password (a token) for http(s).")
  private String secretName;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getRef() {
    return ref;
  }

  public void setRef(String ref) {
    this.ref = ref;
  }

  public String getSubdir() {
    return subdir;
  }

  public void setSubdir(String subdir) {
    this.subdir = subdir;
  }

  public Boolean getKeepGitDir() {
    return keepGitDir;
  }

  public void setKeepGitDir(Boolean keepGitDir) {
    this.keepGitDir = keepGitDir;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }
}
