package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How many examples have each class as their highest output (the first on ties), for predict's
 * reports.
 */
record TopClassCounts(List<String> classes, int[] counts) {

  /** Counts over n examples of outputs {@code y} (row-major, one output per class). */
  static TopClassCounts of(float[] y, int n, List<String> classes) {
    int k = classes.size();
    int[] counts = new int[k];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (y[i * k + c] > y[i * k + best]) {
          best = c;
        }
      }
      counts[best]++;
    }
    return new TopClassCounts(classes, counts);
  }

  /** The {@code top_class_counts} object of --json. */
  void addTo(ObjectNode json) {
    ObjectNode o = json.putObject("top_class_counts");
    for (int c = 0; c < counts.length; c++) {
      o.put(classes.get(c), counts[c]);
    }
  }

  /** "Dog 33, Cat 27". */
  String text() {
    List<String> parts = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      parts.add(classes.get(c) + " " + counts[c]);
    }
    return String.join(", ", parts);
  }
}
