package dev.slipway.engine.registry;

/** Messages for registry answers that end an operation: what failed, and what to do about it. */
final class RegistryErrors {
  private RegistryErrors() {}

  static RegistryException of(ImageName name, String what, int status, boolean push) {
    String hint =
        switch (status) {
          case 401 -> "authentication required: log in (docker login " + name.registry() + ")";
          case 403 ->
              "access denied: the credentials for "
                  + name.registry()
                  + " may not "
                  + (push ? "push to " : "pull ")
                  + name.repository();
          case 404 ->
              push
                  ? "the registry does not know the repository or upload"
                  : "not found in the registry; check the name and tag (and --platform)";
          case 429 -> "the registry is rate limiting: try again later";
          default -> "the registry answered " + status;
        };
    return new RegistryException(name + ": " + what + ": " + hint, status);
  }
}
