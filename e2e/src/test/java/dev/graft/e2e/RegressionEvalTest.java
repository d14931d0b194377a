package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Regression: finetune puts a linear head (MSE) on a regression model's features, and eval on
 * regression targets: the book's chapter-10 California-housing MLP (one linear output, Keras 3 .h5)
 * scored with MSE and MAE; the predictions behind them come from the NumPy forward pass written
 * from Keras's equations (scripts/keras3_forward.py), not from graft.
 */
class RegressionEvalTest {
  private static final String HOUSING =
      "keras3-h5/homl-ch10-california-housing-mlp-regressor__keras-3.3.3.h5";

  @TempDir Path tmp;

  @Test
  void mseAndMaeAreThoseOfNumpysPredictions() throws Exception {
    Path model = SharedModels.require(HOUSING);
    int n = 300;
    Random r = new Random(8);
    float[] x = NewTargets.gaussian(r, n * 8);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = (float) (0.5 + 4.5 * r.nextDouble()); // house values in 100,000s of dollars
    }
    Path xs = tmp.resolve("x.npy");
    Path ys = tmp.resolve("y.npy");
    Npy.write(xs, x, new long[] {n, 8});
    Npy.write(ys, y, new long[] {n});
    float[] p = KerasWriterTest.pythonForward(model, Nd4j.create(x, new long[] {n, 8}), tmp);
    double se = 0;
    double ae = 0;
    for (int i = 0; i < n; i++) {
      se += (p[i] - y[i]) * (double) (p[i] - y[i]);
      ae += Math.abs(p[i] - y[i]);
    }
    Cli eval = Cli.run("eval", model.toString(), "--data", xs + "," + ys, "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    JsonNode j = eval.json();
    assertEquals(n, j.get("n").asInt());
    assertEquals(se / n, j.get("mse").asDouble(), 1e-4 * se / n);
    assertEquals(ae / n, j.get("mae").asDouble(), 1e-4 * ae / n);

    // whole-number targets read as classes unless told
    float[] whole = new float[n];
    for (int i = 0; i < n; i++) {
      whole[i] = Math.round(y[i]);
    }
    Npy.write(ys, whole, new long[] {n});
    Cli told = Cli.run("eval", model.toString(), "--data", xs + "," + ys, "--regression", "--json");
    assertEquals(0, told.exitCode(), told.err());
    double se2 = 0;
    for (int i = 0; i < n; i++) {
      se2 += (p[i] - whole[i]) * (double) (p[i] - whole[i]);
    }
    assertEquals(se2 / n, told.json().get("mse").asDouble(), 1e-4 * se2 / n);

    // two targets per example for a model with one output: named, exit 3
    Npy.write(ys, new float[n * 2], new long[] {n, 2});
    Cli wide = Cli.run("eval", model.toString(), "--data", xs + "," + ys, "--regression");
    assertEquals(3, wide.exitCode(), wide.err());
    assertTrue(wide.err().contains("2 target(s) per example"), wide.err());
  }

  /**
   * New targets that are a linear function of the housing MLP's last hidden layer (twice NumPy's
   * predictions plus one: house values in another unit): a converged linear head on its features
   * can fit them exactly (least squares reaches 0), so graft's default fine-tune must bring the
   * error below 1e-4 of the targets' variance (what predicting their mean would score; Adam alone
   * left 1% after 200 epochs, before the head started from the least-squares fit).
   */
  @Test
  void finetuneFitsALinearHeadToNewTargets() throws Exception {
    Path model = SharedModels.require(HOUSING);
    int n = 1000;
    float[] x = NewTargets.gaussian(new Random(3), n * 8);
    float[] p = KerasWriterTest.pythonForward(model, Nd4j.create(x, new long[] {n, 8}), tmp);
    NewTargets targets = NewTargets.twicePlusOne(p);
    float[] y = targets.y();
    double variance = targets.variance();
    Path xs = tmp.resolve("x.npy");
    Path ys = tmp.resolve("y.npy");
    Npy.write(xs, x, new long[] {n, 8});
    Npy.write(ys, y, new long[] {n});
    Path out = tmp.resolve("rescaled.onnx");
    Cli tune =
        Cli.run(
            "finetune",
            model.toString(),
            "--data",
            xs + "," + ys,
            "--out",
            out.toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--json");
    assertEquals(0, tune.exitCode(), tune.err());
    JsonNode j = tune.json();
    assertEquals(200, j.get("n").asInt(), "a fifth held out, and used as the test set");
    assertTrue(j.get("test_accuracy") == null, "no accuracy for targets");
    double mse = j.get("test_mse").asDouble();
    assertTrue(
        mse < 1e-4 * variance,
        "MSE "
            + mse
            + " vs the targets' variance "
            + variance
            + ": "
            + j.get("record").get("history"));
    assertTrue(j.get("test_mae").asDouble() < Math.sqrt(mse) * 1.5 + 1e-9, j.toString());
    assertEquals("Dense(1, linear)", j.get("record").get("head").get(0).asText());

    // the saved model, run by ONNX Runtime over all 1,000 examples: as small an error
    Cli eval = Cli.run("eval", out.toString(), "--data", xs + "," + ys, "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals(n, eval.json().get("n").asInt());
    assertTrue(eval.json().get("mse").asDouble() < 1e-4 * variance, eval.out());
  }
}
