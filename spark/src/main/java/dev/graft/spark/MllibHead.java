package dev.graft.spark;

import dev.graft.runtime.DenseHeadOnnx;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;

/**
 * Spark MLlib's classifiers as dense layers ({@link DenseHeadOnnx}), from their documented
 * parameter layouts: logistic regression's K x F coefficient matrix and K intercepts under a
 * softmax; the perceptron's flat weight vector, which holds per layer an out x in matrix in
 * column-major order (Breeze's) then out biases, with sigmoid hidden layers and a softmax output.
 */
final class MllibHead {
  private MllibHead() {}

  static List<DenseHeadOnnx.Layer> of(LogisticRegressionModel lr) {
    Matrix coef = lr.coefficientMatrix();
    Vector intercept = lr.interceptVector();
    int k = coef.numRows();
    int f = coef.numCols();
    float[] w = new float[f * k];
    float[] b = new float[k];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < f; i++) {
        w[i * k + c] = (float) coef.apply(c, i);
      }
      b[c] = (float) intercept.apply(c);
    }
    return List.of(new DenseHeadOnnx.Layer(w, b, f, k, "softmax"));
  }

  static List<DenseHeadOnnx.Layer> of(MultilayerPerceptronClassificationModel mlp) {
    int[] sizes = mlp.getLayers();
    double[] all = mlp.weights().toArray();
    List<DenseHeadOnnx.Layer> layers = new java.util.ArrayList<>();
    int offset = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      // column-major out x in: element (o, i) at i * out + o, which is row-major [in][out]
      float[] w = new float[in * out];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) all[offset + j];
      }
      offset += in * out;
      float[] b = new float[out];
      for (int o = 0; o < out; o++) {
        b[o] = (float) all[offset + o];
      }
      offset += out;
      boolean last = l + 2 == sizes.length;
      layers.add(new DenseHeadOnnx.Layer(w, b, in, out, last ? "softmax" : "sigmoid"));
    }
    return layers;
  }
}
