package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-class metrics against scikit-learn's documented classification_report example: y_true = [0,
 * 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1] gives precision 0.50/0.00/1.00, recall 1.00/0.00/0.67, F1
 * 0.67/0.00/0.80, support 1/1/3.
 */
class ClassReportTest {
  @Test
  void matchesScikitLearnsDocumentedExample() {
    int[] truth = {0, 1, 2, 2, 2};
    int[] predicted = {0, 0, 2, 2, 1};
    int[][] confusion = new int[3][3];
    for (int i = 0; i < truth.length; i++) {
      confusion[truth[i]][predicted[i]]++;
    }
    List<ClassReport> r = ClassReport.of(confusion, List.of("class 0", "class 1"));
    double[][] expected = {{0.50, 1.00, 0.67, 1}, {0.00, 0.00, 0.00, 1}, {1.00, 0.67, 0.80, 3}};
    for (int c = 0; c < 3; c++) {
      assertEquals(expected[c][0], r.get(c).precision(), 0.005, "precision " + c);
      assertEquals(expected[c][1], r.get(c).recall(), 0.005, "recall " + c);
      assertEquals(expected[c][2], r.get(c).f1(), 0.005, "f1 " + c);
      assertEquals((int) expected[c][3], r.get(c).support());
    }
    assertEquals("class 1", r.get(1).name());
    assertEquals("2", r.get(2).name(), "classes without a name are numbered");
  }
}
