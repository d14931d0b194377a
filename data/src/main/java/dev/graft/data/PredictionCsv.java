package dev.graft.data;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The CSV that image predictions are written as, by {@code graft predict} and {@code graft spark
 * predict} alike, so the two compare line by line: a header {@code file,top_class,top_probability}
 * then one column per class; one row per file; numbers as Java prints a float (the shortest text
 * that reads back as the same float).
 */
public final class PredictionCsv {
  private PredictionCsv() {}

  /** The columns' class names for k outputs: the model's own, else output_0, output_1, ... */
  public static List<String> classNames(List<String> recorded, int k) {
    if (recorded.size() == k) {
      return recorded;
    }
    return IntStream.range(0, k).mapToObj(c -> "output_" + c).toList();
  }

  public static String header(List<String> classes) {
    StringBuilder sb = new StringBuilder("file,top_class,top_probability");
    for (String c : classes) {
      sb.append(',').append(quoted(c));
    }
    return sb.append('\n').toString();
  }

  /** One file's row: {@code y[from, from + classes.size())} are its outputs. */
  public static String row(String file, float[] y, int from, List<String> classes) {
    int outputs = classes.size();
    int best = top(y, from, outputs, 1)[0];
    StringBuilder sb =
        new StringBuilder(quoted(file))
            .append(',')
            .append(quoted(classes.get(best)))
            .append(',')
            .append(y[from + best]);
    for (int c = 0; c < outputs; c++) {
      sb.append(',').append(y[from + c]);
    }
    return sb.append('\n').toString();
  }

  /** The k highest of {@code y[from, from + outputs)}, as indices from 0, best first. */
  public static int[] top(float[] y, int from, int outputs, int k) {
    return IntStream.range(0, outputs)
        .boxed()
        .sorted((a, b) -> Float.compare(y[from + b], y[from + a]))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static String quoted(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /**
   * How many of n examples (outputs {@code y}, row-major, one per class) have each class as their
   * highest output, the first of equal ones winning as in {@link #top}; in class order.
   */
  public static java.util.Map<String, Long> topClassCounts(float[] y, int n, List<String> classes) {
    int k = classes.size();
    java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
    classes.forEach(c -> counts.put(c, 0L));
    for (int i = 0; i < n; i++) {
      counts.merge(classes.get(top(y, i * k, k, 1)[0]), 1L, Long::sum);
    }
    return counts;
  }
}
