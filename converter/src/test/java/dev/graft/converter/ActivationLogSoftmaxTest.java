package dev.graft.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Log softmax against its definition, and its gradient against central finite differences. */
class ActivationLogSoftmaxTest {
  private final ActivationLogSoftmax fn = new ActivationLogSoftmax();

  @Test
  void valuesAreLogOfSoftmax() {
    INDArray x = Nd4j.create(new double[][] {{1, 2, 3}, {1000, 0, -1000}});
    INDArray y = fn.getActivation(x.dup(), false);
    // row 0: 3 - log(e^1 + e^2 + e^3) = -0.40760596; row 1: the large logit's log-probability is 0
    assertEquals(-0.40760596, y.getDouble(0, 2), 1e-7);
    assertEquals(0.0, y.getDouble(1, 0), 1e-12);
    assertEquals(-1000.0, y.getDouble(1, 1), 1e-9);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 5);
    INDArray eps = Nd4j.randn(DataType.DOUBLE, 3, 5);
    INDArray grad = fn.backprop(x.dup(), eps.dup()).getFirst();
    double h = 1e-6;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 5; j++) {
        INDArray up = x.dup();
        up.putScalar(i, j, x.getDouble(i, j) + h);
        INDArray down = x.dup();
        down.putScalar(i, j, x.getDouble(i, j) - h);
        double numeric =
            (fn.getActivation(up, true).mul(eps).sumNumber().doubleValue()
                    - fn.getActivation(down, true).mul(eps).sumNumber().doubleValue())
                / (2 * h);
        assertEquals(numeric, grad.getDouble(i, j), 1e-6, "d/dx[" + i + "," + j + "]");
      }
    }
  }
}
