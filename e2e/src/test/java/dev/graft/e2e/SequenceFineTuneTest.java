package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sequence models fine-tune with default flags: the embedding and recurrent layers stay frozen (the
 * trunk runs once, as ONNX's LSTM operators, its activations cached) and a new head trains on them.
 * The labels come from the NumPy forward pass of the source model (scripts/keras3_forward.py), so
 * they are a linear function of the trunk's last features: a head that learned must recover them.
 */
class SequenceFineTuneTest {
  @TempDir Path tmp;

  /**
   * IMDB's Embedding + LSTM sentiment model: new binary labels, "NumPy's score above its median" on
   * 400 random reviews of 500 tokens, are a threshold of the LSTM's output: the new head on the
   * frozen LSTM gets at least 90% of the 80 held-out reviews right (chance: 50%).
   */
  @Test
  void aNewHeadOnAFrozenLstmLearnsLabelsItsFeaturesDecide() throws Exception {
    Path model = SharedModels.require("keras3-h5/imdb-sentiment-embedding-lstm__keras-3.12.1.h5");
    int n = 400;
    int steps = 500;
    Random r = new Random(5);
    float[] x = new float[n * steps];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + r.nextInt(4999);
    }
    float[] p = KerasWriterTest.pythonForward(model, Nd4j.create(x, new long[] {n, steps}), tmp);
    float[] sorted = p.clone();
    Arrays.sort(sorted);
    float median = sorted[n / 2];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = p[i] > median ? 1 : 0;
    }
    Path xs = tmp.resolve("reviews.npy");
    Path ys = tmp.resolve("labels.npy");
    Npy.write(xs, x, new long[] {n, steps});
    Npy.write(ys, y, new long[] {n});
    Cli tune = finetune(model, xs, ys, "tuned.zip");
    JsonNode j = tune.json();
    System.out.printf(
        "IMDB LSTM, new head on frozen LSTM: test accuracy %.4f after %d epochs%n",
        j.get("test_accuracy").asDouble(), j.get("epochs").asInt());
    assertEquals(80, j.get("n").asInt());
    assertTrue(j.get("test_accuracy").asDouble() >= 0.9, j.toString());
    assertEquals("lstm", j.get("cut").asText(), "the head trained on the LSTM's cached output");
    List<String> frozen = strings(j.get("record").get("frozen_layers"));
    assertTrue(frozen.containsAll(List.of("embedding", "lstm")), frozen.toString());
  }

  /**
   * The dogecoin Conv1D + Bidirectional LSTM price model (a linear output): new targets, twice
   * NumPy's predictions plus one, are exactly a linear function of its last hidden features, so the
   * regression head's test MSE is below 1e-4 of their variance.
   */
  @Test
  void aRegressionHeadOnAFrozenBidirectionalLstmFitsNewTargets() throws Exception {
    Path model =
        SharedModels.require("keras3-h5/dogecoin-conv1d-bidirectional-lstm__keras-3.8.0.h5");
    int n = 300;
    float[] x = NewTargets.gaussian(new Random(6), n * 60 * 9);
    float[] p = KerasWriterTest.pythonForward(model, Nd4j.create(x, new long[] {n, 60, 9}), tmp);
    NewTargets targets = NewTargets.twicePlusOne(p);
    float[] y = targets.y();
    double variance = targets.variance();
    Path xs = tmp.resolve("windows.npy");
    Path ys = tmp.resolve("prices.npy");
    Npy.write(xs, x, new long[] {n, 60, 9});
    Npy.write(ys, y, new long[] {n});
    Cli tune = finetune(model, xs, ys, "tuned.onnx");
    double mse = tune.json().get("test_mse").asDouble();
    System.out.printf(
        "dogecoin BiLSTM, regression head: test MSE %.3g, variance %.3g%n", mse, variance);
    assertTrue(mse < 1e-4 * variance, "MSE " + mse + ", variance " + variance);
  }

  /** graft finetune with default flags on the arrays, saving to {@code out}; it must succeed. */
  private Cli finetune(Path model, Path xs, Path ys, String out) {
    Cli tune =
        Cli.run(
            "finetune",
            model.toString(),
            "--data",
            xs + "," + ys,
            "--out",
            tmp.resolve(out).toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--json");
    assertEquals(0, tune.exitCode(), tune.err());
    return tune;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }
}
