package dev.graft.trainer.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Each optimizer's first three steps on a tiny linear problem equal the update computed by hand
 * from Keras 3's formula (keras/src/optimizers/*.py: note epsilon inside the square root for
 * RMSprop and Adagrad, Adagrad's accumulator starting at 0.1, Nadam's 0.96^t momentum schedule),
 * with the gradient DL4J computes at each step.
 */
class OptimizerStepsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "adamax",
        "nadam",
        "adadelta"
      })
  void firstStepsFollowKerasFormula(String name) {
    OptimizerSpec spec = OptimizerSpec.of(name).learningRate(name.equals("adadelta") ? 1.0 : 0.05);
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.DOUBLE)
                .updater(spec.updater(null))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(3)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
    net.init();
    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3);
    INDArray y = Nd4j.randn(DataType.DOUBLE, 4, 2);
    double[] w = net.params().dup().toDoubleVector();
    KerasStep keras = new KerasStep(name, spec.rate(), w.length);
    for (int t = 1; t <= 3; t++) {
      net.setInput(x);
      net.setLabels(y);
      net.computeGradientAndScore();
      // DL4J's gradient() is summed over the batch; its updater divides by the batch size first.
      double[] g = net.gradient().gradient().dup().div(x.size(0)).toDoubleVector();
      keras.step(w, g, t);
      net.fit(new DataSet(x, y));
      double[] actual = net.params().toDoubleVector();
      for (int i = 0; i < w.length; i++) {
        assertEquals(
            w[i], actual[i], 1e-9 + 1e-6 * Math.abs(w[i]), name + " step " + t + " parameter " + i);
      }
    }
  }

  /**
   * Keras's update rules with its defaults: momentum 0.9, beta_1 0.9, beta_2 0.999, epsilon 1e-7,
   * rho 0.9 / 0.95.
   */
  static final class KerasStep {
    final String name;
    final double lr;
    final double[] a;
    final double[] b;

    KerasStep(String name, double lr, int n) {
      this.name = name;
      this.lr = lr;
      this.a = new double[n];
      this.b = new double[n];
      if (name.equals("adagrad")) {
        java.util.Arrays.fill(a, 0.1); // initial_accumulator_value
      }
    }

    void step(double[] w, double[] g, int t) {
      double eps = 1e-7;
      double b1 = 0.9;
      double b2 = 0.999;
      for (int i = 0; i < w.length; i++) {
        switch (name) {
          case "sgd" -> w[i] -= lr * g[i];
          case "momentum" -> {
            a[i] = 0.9 * a[i] - lr * g[i];
            w[i] += a[i];
          }
          case "nesterov" -> {
            a[i] = 0.9 * a[i] - lr * g[i];
            w[i] += 0.9 * a[i] - lr * g[i];
          }
          case "adagrad" -> {
            a[i] += g[i] * g[i];
            w[i] -= lr * g[i] / Math.sqrt(a[i] + eps);
          }
          case "rmsprop" -> {
            a[i] = 0.9 * a[i] + 0.1 * g[i] * g[i];
            w[i] -= lr * g[i] / Math.sqrt(a[i] + eps);
          }
          case "adam" -> {
            a[i] = b1 * a[i] + (1 - b1) * g[i];
            b[i] = b2 * b[i] + (1 - b2) * g[i] * g[i];
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            w[i] -= alpha * a[i] / (Math.sqrt(b[i]) + eps);
          }
          case "adamax" -> {
            a[i] = b1 * a[i] + (1 - b1) * g[i];
            b[i] = Math.max(b2 * b[i], Math.abs(g[i]));
            w[i] -= lr / (1 - Math.pow(b1, t)) * a[i] / (b[i] + eps);
          }
          case "nadam" -> {
            // Keras 3: u_t = b1 * (1 - 0.5 * 0.96^t), and the product of the u's up to t.
            double ut = b1 * (1 - 0.5 * Math.pow(0.96, t));
            double ut1 = b1 * (1 - 0.5 * Math.pow(0.96, t + 1));
            double product = 1;
            for (int s = 1; s <= t; s++) {
              product *= b1 * (1 - 0.5 * Math.pow(0.96, s));
            }
            a[i] = b1 * a[i] + (1 - b1) * g[i];
            b[i] = b2 * b[i] + (1 - b2) * g[i] * g[i];
            double mHat = ut1 * a[i] / (1 - product * ut1) + (1 - ut) * g[i] / (1 - product);
            double vHat = b[i] / (1 - Math.pow(b2, t));
            w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
          }
          case "adadelta" -> {
            double rho = 0.95;
            a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
            double delta = Math.sqrt(b[i] + eps) / Math.sqrt(a[i] + eps) * g[i];
            b[i] = rho * b[i] + (1 - rho) * delta * delta;
            w[i] -= lr * delta;
          }
          default -> throw new IllegalStateException(name);
        }
      }
    }
  }
}
