package dev.graft.trainer;

import dev.graft.trainer.data.Examples;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A single linear output layer trained with MSE on fixed features is linear regression: it starts
 * from the ridge solution on the training features (centred, so the bias is the targets' mean minus
 * the features' mean times the weights; a ridge of 1e-6 of the features' mean variance keeps
 * collinear features solvable), and gradient descent then has nothing left to find but the
 * validation loss's early stopping. Without it Adam at a head's learning rate crawls along the
 * features' ill-conditioned directions for hundreds of epochs (a housing MLP's hidden layer: 1% of
 * the targets' variance left after 200).
 */
final class LeastSquaresHead {
  private static final double RIDGE = 1e-6;

  private LeastSquaresHead() {}

  /**
   * Sets {@code head}'s weights when it is one linear layer and {@code train} holds regression
   * targets, and says whether it did; otherwise leaves it.
   */
  static boolean fit(MultiLayerNetwork head, DenseSpec output, int hiddenLayers, Examples train) {
    if (!train.regression() || hiddenLayers > 0 || !output.activation().equals("linear")) {
      return false;
    }
    int d = train.featureCount();
    INDArray x = train.featureMatrix().castTo(DataType.DOUBLE);
    INDArray y = train.labelMatrix().castTo(DataType.DOUBLE);
    INDArray xMean = x.mean(0).reshape(1, d);
    INDArray yMean = y.mean(0).reshape(1, train.outputs());
    INDArray xc = x.subRowVector(xMean);
    INDArray yc = y.subRowVector(yMean);
    INDArray gram = xc.transpose().mmul(xc);
    double trace = 0;
    for (int i = 0; i < d; i++) {
      trace += gram.getDouble(i, i);
    }
    double ridge = RIDGE * Math.max(trace / d, 1e-12);
    gram.addi(Nd4j.eye(d).castTo(DataType.DOUBLE).muli(ridge));
    double[][] solved = solveSpd(gram.toDoubleMatrix(), xc.transpose().mmul(yc).toDoubleMatrix());
    INDArray w = Nd4j.create(solved); // d x outputs
    INDArray b = yMean.sub(xMean.mmul(w));
    Layer out = head.getOutputLayer();
    out.setParam("W", w.castTo(DataType.FLOAT));
    out.setParam("b", b.castTo(DataType.FLOAT));
    Fitter.free(x, y, xc, yc, gram);
    return true;
  }

  /**
   * X with A X = B, for A symmetric positive definite (d x d) and B (d x k), by Cholesky. Written
   * here because ND4J 1.0.0-M2.1's matrix_inverse fails on well-conditioned Gram matrices whose
   * determinant is tiny (a Bidirectional LSTM's 32 features of about 0.05 each).
   */
  static double[][] solveSpd(double[][] a, double[][] b) {
    int d = a.length;
    double[][] l = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = a[i][j];
        for (int k = 0; k < j; k++) {
          sum -= l[i][k] * l[j][k];
        }
        if (i == j) {
          l[i][i] = Math.sqrt(Math.max(sum, Double.MIN_NORMAL));
        } else {
          l[i][j] = sum / l[j][j];
        }
      }
    }
    int k = b[0].length;
    double[][] x = new double[d][k];
    for (int c = 0; c < k; c++) {
      double[] z = new double[d];
      for (int i = 0; i < d; i++) { // L z = b
        double sum = b[i][c];
        for (int j = 0; j < i; j++) {
          sum -= l[i][j] * z[j];
        }
        z[i] = sum / l[i][i];
      }
      for (int i = d - 1; i >= 0; i--) { // L^T x = z
        double sum = z[i];
        for (int j = i + 1; j < d; j++) {
          sum -= l[j][i] * x[j][c];
        }
        x[i][c] = sum / l[i][i];
      }
    }
    return x;
  }
}
