package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.data.Npy;
import dev.graft.trainer.TrainOptions;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.TrainingLoop;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.LayerSpec;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.OptimizerSpec;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * graft predict --mc-dropout: the mean of N stochastic passes is a distribution as accurate as one
 * pass, with spread.
 */
class McDropoutTest {
  @TempDir Path tmp;

  @Test
  void mcDropoutPredictsWithUncertainty() throws Exception {
    TaskData data = TrainingLoopTest.data();
    NetworkSpec spec =
        NetworkSpec.builder()
            .name("dropout")
            .input(28, 28)
            .layer(LayerSpec.dense(128, "relu").initializer("he_normal").dropout(0.3))
            .layer(LayerSpec.dense(64, "relu").initializer("he_normal").dropout(0.3))
            .optimizer(OptimizerSpec.of("nadam"))
            .seed(4)
            .build();
    var r =
        TrainingLoop.train(
            spec, data, new TrainOptions(4, 32, 0, null, 0, false), TrainingListener.NONE);
    Path model = tmp.resolve("dropout.zip");
    Dl4jZip.write(r.network(), model, null);
    int n = 1000;
    Path x = tmp.resolve("x.npy");
    Npy.write(x, Arrays.copyOf(data.test().features(), n * 784), new long[] {n, 28, 28});
    Path once = tmp.resolve("once.npy");
    Path mean = tmp.resolve("mean.npy");
    Path std = tmp.resolve("std.npy");
    assertEquals(
        0,
        Cli.run("predict", model.toString(), "--input", x.toString(), "--output", once.toString())
            .exitCode());
    Cli mc =
        Cli.run(
            "predict",
            model.toString(),
            "--input",
            x.toString(),
            "--output",
            mean.toString(),
            "--mc-dropout",
            "30",
            "--std",
            std.toString());
    assertEquals(0, mc.exitCode(), mc.err());
    float[] m = Npy.read(mean).data();
    float[] s = Npy.read(std).data();
    float[] p = Npy.read(once).data();
    int outputs = m.length / n;
    int[] labels = data.test().labels();
    double accOnce = accuracy(p, labels, n, outputs);
    double accMc = accuracy(m, labels, n, outputs);
    double maxStd = 0;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int k = 0; k < outputs; k++) {
        sum += m[i * outputs + k];
        maxStd = Math.max(maxStd, s[i * outputs + k]);
      }
      assertEquals(1.0, sum, 1e-4, "the mean of softmax outputs is a distribution");
    }
    System.out.printf(
        "MC dropout (30 passes): accuracy %.4f, one pass %.4f, largest std %.3f%n",
        accMc, accOnce, maxStd);
    assertTrue(maxStd > 0.05, "dropout makes the passes differ: " + maxStd);
    assertTrue(accMc >= accOnce - 0.02, accMc + " vs " + accOnce);
    // ONNX files have no dropout left: a clear usage error.
    Path onnx = tmp.resolve("dropout.onnx");
    assertEquals(0, Cli.run("convert", model.toString(), onnx.toString()).exitCode());
    Cli refused =
        Cli.run(
            "predict",
            onnx.toString(),
            "--input",
            x.toString(),
            "--output",
            mean.toString(),
            "--mc-dropout",
            "5");
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("dropout removed"), refused.err());
  }

  /**
   * A Keras file's Dropout layers act in MC dropout (they imported as no-ops: spread 0 for any
   * seed).
   */
  @Test
  void kerasDropoutLayersMakeThePassesDiffer() throws Exception {
    Path model =
        dev.graft.converter.SharedModels.require("keras2/chapter11/dropout__keras-2.9.0.h5");
    TaskData data = TrainingLoopTest.data();
    int n = 200;
    Path x = tmp.resolve("x.npy");
    Npy.write(x, Arrays.copyOf(data.test().features(), n * 784), new long[] {n, 28, 28});
    Path mean = tmp.resolve("mean.npy");
    Path std = tmp.resolve("std.npy");
    Cli mc =
        Cli.run(
            "predict",
            model.toString(),
            "--input",
            x.toString(),
            "--output",
            mean.toString(),
            "--mc-dropout",
            "30",
            "--std",
            std.toString(),
            "--seed",
            "7");
    assertEquals(0, mc.exitCode(), mc.err());
    double maxStd = 0;
    for (float v : Npy.read(std).data()) {
      maxStd = Math.max(maxStd, v);
    }
    assertTrue(
        maxStd > 0.05,
        "Keras Dropout(0.2) layers make the 30 passes differ: largest std " + maxStd);
  }

  private static double accuracy(float[] y, int[] labels, int n, int outputs) {
    int right = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int k = 1; k < outputs; k++) {
        if (y[i * outputs + k] > y[i * outputs + best]) {
          best = k;
        }
      }
      right += best == labels[i] ? 1 : 0;
    }
    return right / (double) n;
  }
}
