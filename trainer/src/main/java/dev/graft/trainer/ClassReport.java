package dev.graft.trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-class precision, recall, F1 and support from a confusion matrix ({@code confusion[true]
 * [predicted]}), as scikit-learn's classification_report defines them; a ratio with nothing to
 * divide by is 0 (its zero_division default).
 */
public record ClassReport(String name, double precision, double recall, double f1, int support) {

  /** One report per class, named by {@code names} (index order) or by number when it is short. */
  public static List<ClassReport> of(int[][] confusion, List<String> names) {
    int k = confusion.length;
    List<ClassReport> out = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      int truePositive = confusion[c][c];
      int support = 0;
      int predicted = 0;
      for (int j = 0; j < k; j++) {
        support += confusion[c][j];
        predicted += confusion[j][c];
      }
      double precision = ratio(truePositive, predicted);
      double recall = ratio(truePositive, support);
      double f1 = ratio(2 * precision * recall, precision + recall);
      out.add(
          new ClassReport(
              c < names.size() ? names.get(c) : String.valueOf(c), precision, recall, f1, support));
    }
    return out;
  }

  private static double ratio(double a, double b) {
    return b == 0 ? 0 : a / b;
  }
}
