package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.trainer.data.Examples;
import org.junit.jupiter.api.Test;

/** Regression targets are scored by MSE and MAE over every output, as Keras's metrics are. */
class RegressionMetricsTest {
  @Test
  void errorsAreAveragedOverEveryOutputOfEveryExample() {
    // predictions [1, 2] and [3, 4] against targets of 1: errors 0, 1, 2, 3 (by hand)
    Classifier fixed =
        new Classifier() {
          @Override
          public String label() {
            return "fixed";
          }

          @Override
          public long inputSize() {
            return 1;
          }

          @Override
          public long[] exampleShape() {
            return new long[] {1};
          }

          @Override
          public float[] predict(float[] rows, int n) {
            return new float[] {1, 2, 3, 4};
          }
        };
    Examples two = Examples.regression(new float[] {0, 0}, new float[] {1, 1, 1, 1}, 1, 2);
    Metrics m = Evaluator.evaluate(fixed, two);
    assertEquals(3.5, m.loss(), 1e-12); // (0 + 1 + 4 + 9) / 4
    assertEquals(1.5, m.mae(), 1e-12); // (0 + 1 + 2 + 3) / 4
    assertEquals(2, m.n());
    assertTrue(m.regression() && Double.isNaN(m.accuracy()));
  }

  @Test
  void choleskySolvesASymmetricPositiveDefiniteSystem() {
    // [[4, 2], [2, 3]] x = [[2], [1]]: x = [0.5, 0] (by hand: 4 * 0.5 + 2 * 0 = 2, 2 * 0.5 = 1)
    double[][] x =
        LeastSquaresHead.solveSpd(new double[][] {{4, 2}, {2, 3}}, new double[][] {{2}, {1}});
    assertEquals(0.5, x[0][0], 1e-12);
    assertEquals(0.0, x[1][0], 1e-12);
  }
}
