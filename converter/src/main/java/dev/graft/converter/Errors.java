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

  /** Text from a file, cut to {@code max} characters for a one-line message. */
  public static String abbreviate(String text, int max) {
    return text.length() > max ? text.substring(0, max) + "..." : text;
  }
}
