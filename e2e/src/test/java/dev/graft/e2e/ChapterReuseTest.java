package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.trainer.DenseSpec;
import dev.graft.trainer.DenseStack;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.Optimizer;
import dev.graft.trainer.Trainer;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chapter's "reusing a Keras model" workflow, through the graft command, on the readers' real
 * Keras files. Oracle: accuracy on real Fashion-MNIST test images.
 */
@Tag("acceptance") // long training or many runs: the acceptance tier (docs/testing.md)
class ChapterReuseTest {
  @TempDir Path tmp;

  static void requireData() {
    try {
      FashionMnist.locate(null);
    } catch (dev.graft.GraftException e) {
      org.junit.jupiter.api.Assumptions.abort("skipped: " + e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"my_model_A__keras-2.4.0.h5", "my_model_A__keras-2.9.0.h5"})
  void kerasModelAScoresOnItsEightClasses(String name) {
    Path model = SharedModels.require("keras2/chapter11/" + name);
    requireData();
    Cli r = Cli.run("eval", model.toString(), "--exclude", "5,6", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = r.json();
    assertEquals(8000, j.get("n").asInt());
    assertTrue(j.get("accuracy").asDouble() >= 0.90, "accuracy " + j.get("accuracy"));
    assertTrue(j.get("loss").asDouble() < 0.4, "loss " + j.get("loss"));
  }

  /**
   * Acceptance: B on A reaches a median test accuracy >= 0.99 over seeds 1..5 and beats B trained
   * from scratch with the same budget (20 epochs, SGD 1e-3, the same 200 images).
   */
  @Test
  void bOnABeatsBFromScratch() throws Exception {
    Path modelA = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    requireData();
    double[] onA = new double[5];
    double[] scratch = new double[5];
    TaskData b = TaskData.of(FashionMnist.load(null), Task.preset("shirt-vs-sandal"));
    for (int seed = 1; seed <= 5; seed++) {
      Path out = tmp.resolve("b_on_a_" + seed + ".zip");
      Cli r =
          Cli.run(
              "finetune",
              modelA.toString(),
              "--task",
              "shirt-vs-sandal",
              "--freeze-epochs",
              "4",
              "--epochs",
              "16",
              "--seed",
              String.valueOf(seed),
              "--out",
              out.toString(),
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      JsonNode j = r.json();
      assertEquals(20, j.get("epochs").asInt());
      assertEquals(2000, j.get("n").asInt());
      onA[seed - 1] = j.get("test_accuracy").asDouble();
      assertTrue(Files.exists(out) && Files.exists(tmp.resolve("b_on_a_" + seed + ".json")));

      Network fromScratch =
          DenseStack.build(
              "model_B",
              784,
              DenseStack.chapterHidden(),
              new DenseSpec(1, "sigmoid"),
              Optimizer.sgd(1e-3),
              seed);
      Trainer.train(fromScratch, b, 20, 32, seed, TrainingListener.NONE);
      scratch[seed - 1] = Evaluator.evaluate(fromScratch, b.test()).accuracy();
    }
    double medianOnA = median(onA);
    double medianScratch = median(scratch);
    System.out.printf(
        "B on A %s median %.4f; B from scratch %s median %.4f; error-rate ratio %.2f%n",
        Arrays.toString(onA),
        medianOnA,
        Arrays.toString(scratch),
        medianScratch,
        (1 - medianScratch) / (1 - medianOnA));
    assertTrue(medianOnA >= 0.99, "median B-on-A accuracy " + medianOnA);
    assertTrue(medianOnA > medianScratch, "B on A " + medianOnA + " vs scratch " + medianScratch);
  }

  @Test
  void fineTunedModelEvaluatesTheSameAfterSaving() {
    Path modelA = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    requireData();
    Path out = tmp.resolve("tuned.zip");
    Cli tune =
        Cli.run(
            "finetune",
            modelA.toString(),
            "--task",
            "shirt-vs-sandal",
            "--freeze-epochs",
            "2",
            "--epochs",
            "2",
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, tune.exitCode(), tune.err());
    Cli eval = Cli.run("eval", out.toString(), "--task", "shirt-vs-sandal", "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals(
        tune.json().get("test_accuracy").asDouble(), eval.json().get("accuracy").asDouble(), 1e-12);
    Cli inspect = Cli.run("inspect", out.toString(), "--json");
    assertEquals(0, inspect.exitCode(), inspect.err());
    JsonNode layers = inspect.json().get("layers");
    assertEquals(6, layers.size());
    assertEquals(1, layers.get(5).get("output_shape").get(1).asInt());
  }

  @Test
  void demoQuickRunsTheWholeComparison() {
    requireData();
    Cli r = Cli.run("demo", "--quick", "--seeds", "2", "--json", "--out-dir", tmp.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = r.json();
    assertTrue(j.get("model_a_accuracy").asDouble() > 0.75, j.toString());
    assertTrue(j.get("b_on_a_accuracy").asDouble() > 0.9, j.toString());
    assertTrue(j.get("b_scratch_accuracy").asDouble() > 0.5, j.toString());
    assertTrue(
        Files.exists(tmp.resolve("model_A.zip")) && Files.exists(tmp.resolve("model_B_on_A.zip")));
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
