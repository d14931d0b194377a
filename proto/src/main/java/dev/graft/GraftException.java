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
  private final String parameter;

  public GraftException(Kind kind, String message) {
    this(kind, message, (Throwable) null);
  }

  public GraftException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.parameter = null;
  }

  private GraftException(Kind kind, String parameter, String problem) {
    super(parameter + " " + problem);
    this.kind = kind;
    this.parameter = parameter;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The library parameter the message starts with (a usage error about one option, e.g. {@code
   * dropTop}), or null; a command line names its own flag instead, through {@link #naming}.
   */
  public String parameter() {
    return parameter;
  }

  /**
   * The message with its leading parameter name replaced by what {@code names} maps it to (the
   * command line's flag for it), else as it is.
   */
  public String naming(java.util.Map<String, String> names) {
    String flag = parameter == null ? null : names.get(parameter);
    return flag == null ? getMessage() : flag + getMessage().substring(parameter.length());
  }

  /** A usage error about one library parameter: "{@code parameter problem}". */
  public static GraftException parameter(String parameter, String problem) {
    return new GraftException(Kind.USAGE, parameter, problem);
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
