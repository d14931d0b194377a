package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.data.PredictionCsv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How many examples have each class as their highest output (the first on ties), for predict's
 * reports: counted by {@link PredictionCsv#topClassCounts}, as graft spark predict counts them.
 */
record TopClassCounts(Map<String, Long> counts) {

  /** Counts over n examples of outputs {@code y} (row-major, one output per class). */
  static TopClassCounts of(float[] y, int n, List<String> classes) {
    return new TopClassCounts(PredictionCsv.topClassCounts(y, n, classes));
  }

  /** The {@code top_class_counts} object of --json. */
  void addTo(ObjectNode json) {
    ObjectNode o = json.putObject("top_class_counts");
    counts.forEach(o::put);
  }

  /** "Dog 33, Cat 27". */
  String text() {
    List<String> parts = new ArrayList<>();
    counts.forEach((c, k) -> parts.add(c + " " + k));
    return String.join(", ", parts);
  }
}
