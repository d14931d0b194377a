package dev.graft.e2e;

import java.util.Random;

/**
 * Regression targets a fine-tuned linear head can fit exactly: twice a source model's predictions
 * {@code p} (NumPy's forward pass) plus one, with their variance (the error of predicting their
 * mean), for tests of regression heads.
 */
record NewTargets(float[] y, double variance) {

  static NewTargets twicePlusOne(float[] p) {
    int n = p.length;
    float[] y = new float[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      y[i] = 2 * p[i] + 1;
      mean += y[i] / n;
    }
    double variance = 0;
    for (float v : y) {
      variance += (v - mean) * (v - mean) / n;
    }
    return new NewTargets(y, variance);
  }

  /** {@code count} draws from N(0, 1): inputs as standardized features look. */
  static float[] gaussian(Random r, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }
}
