package dev.slipway.confined;

/**
 * A name would reach outside its root: through {@code ..}, a symlink the root does not follow, or a
 * hard link to something that is not a file inside the root.
 */
public class PathEscapeException extends ConfinedPathException {
  public PathEscapeException(String name, String message) {
    super(name, message);
  }
}
