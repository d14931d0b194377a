package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Keras's SGD(momentum=m): v = m v - lr g; w = w + v. Checked against that formula by hand. */
class MomentumTest {
  @Test
  void firstStepsFollowKerasFormula() {
    double lr = 0.1;
    double m = 0.9;
    INDArray state = Nd4j.zeros(DataType.FLOAT, 1, 2);
    var updater = new Momentum(lr, m).instantiate(state, true);
    double[] w = {1.0, -2.0};
    double[] v = {0, 0};
    INDArray weights = Nd4j.createFromArray(new float[][] {{1f, -2f}});
    for (int step = 0; step < 3; step++) {
      // gradient of 0.5 * w^2 is w
      INDArray grad = weights.dup();
      updater.applyUpdater(grad, step, 0);
      weights.subi(grad);
      for (int i = 0; i < 2; i++) {
        v[i] = m * v[i] - lr * w[i];
        w[i] = w[i] + v[i];
      }
      assertEquals(w[0], weights.getDouble(0, 0), 1e-6);
      assertEquals(w[1], weights.getDouble(0, 1), 1e-6);
    }
  }
}
