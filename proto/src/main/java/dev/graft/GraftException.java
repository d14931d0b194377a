package dev.graft;

/**
 * The one exception type graft throws for anything a user can cause: a bad or unsupported model
 * file, missing data, a request that makes no sense. Its {@link Kind} decides the command line's
 * exit code; its message is meant to be shown as it is, on one line.
 */
public class GraftException extends RuntimeException {

  /** What went wrong, from the user's side. */
  public enum Kind {
    /** The request itself is wrong (bad option values, unknown names): exit code 2. */
    USAGE(2),
    /** A file is corrupt, truncated, of the wrong kind, or data is missing: exit code 3. */
    BAD_INPUT(3),
    /** The input is valid but uses something graft cannot handle: exit code 3. */
    UNSUPPORTED(3),
    /** Anything else (I/O failures, internal errors): exit code 1. */
    FAILURE(1);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public GraftException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public GraftException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static GraftException usage(String message) {
    return new GraftException(Kind.USAGE, message);
  }

  public static GraftException badInput(String message) {
    return new GraftException(Kind.BAD_INPUT, message);
  }

  public static GraftException badInput(String message, Throwable cause) {
    return new GraftException(Kind.BAD_INPUT, message, cause);
  }

  public static GraftException unsupported(String message) {
    return new GraftException(Kind.UNSUPPORTED, message);
  }

  public static GraftException unsupported(String message, Throwable cause) {
    return new GraftException(Kind.UNSUPPORTED, message, cause);
  }
}
