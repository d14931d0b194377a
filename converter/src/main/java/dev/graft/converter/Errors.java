package dev.graft.converter;

/** Turns a third-party exception into a short, one-line description. */
public final class Errors {
  private Errors() {}

  public static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      return type;
    }
    String firstLine = message.strip().lines().findFirst().orElse("");
    if (firstLine.length() > 300) {
      firstLine = firstLine.substring(0, 300) + "...";
    }
    return type + ": " + firstLine;
  }
}
