package dev.graft;

import java.io.PrintWriter;

/**
 * How graft's commands ({@code graft}, {@code graft spark}) report an error: the first {@link
 * GraftException} among the causes in one line and its kind's exit code (a Spark job's failure
 * wraps an executor's error), anything else as an internal error (exit 1); the stack trace only
 * when asked.
 */
public final class ErrorReport {
  private ErrorReport() {}

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
