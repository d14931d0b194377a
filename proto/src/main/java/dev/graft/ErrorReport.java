package dev.graft;

import java.io.PrintWriter;

/**
 * How graft's commands ({@code graft}, {@code graft spark}) report an error: the first {@link
 * GraftException} among the causes in one line and its kind's exit code (a Spark job's failure
 * wraps an executor's error), anything else as an internal error (exit 1); the stack trace only
 * when asked.
 */
public final class ErrorReport {
  /** The exit codes both commands document (their --help lists them). */
  public static final java.util.Map<String, String> EXIT_CODES = exitCodes();

  private ErrorReport() {}

  private static java.util.Map<String, String> exitCodes() {
    java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
    codes.put("0", "success");
    codes.put("1", "failure (I/O, internal error)");
    codes.put("2", "usage error");
    codes.put("3", "bad or unsupported input (model file, data)");
    return java.util.Collections.unmodifiableMap(codes);
  }

  /** Prints the report and returns the exit code. */
  public static int print(Throwable e, PrintWriter err, boolean verbose) {
    return print(e, err, verbose, java.util.Map.of());
  }

  /**
   * As {@link #print(Throwable, PrintWriter, boolean)}, an error about a library parameter naming
   * the flag {@code flags} maps it to.
   */
  public static int print(
      Throwable e, PrintWriter err, boolean verbose, java.util.Map<String, String> flags) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof GraftException g) {
        err.println("graft: " + g.naming(flags));
        if (verbose) {
          e.printStackTrace(err);
        }
        err.flush();
        return g.kind().exitCode();
      }
    }
    err.println(
        "graft: internal error: " + e + (verbose ? "" : " (run with --verbose for details)"));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }
}
