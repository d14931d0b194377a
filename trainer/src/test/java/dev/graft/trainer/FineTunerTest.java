package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The mechanics of reuse on a small network and a synthetic binary task. */
class FineTunerTest {
  @TempDir Path tmp;

  private static final int FEATURES = 12;

  static Network base() {
    return DenseStack.build(
        "base",
        FEATURES,
        List.of(new DenseSpec(16, "selu"), new DenseSpec(8, "selu")),
        new DenseSpec(3, "softmax"),
        Optimizer.sgd(0.01),
        5);
  }

  /** Label 1 when the first feature is larger than the second: learnable. */
  static Examples examples(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = r.nextFloat();
      }
      y[i] = x[i * FEATURES] > x[i * FEATURES + 1] ? 1 : 0;
    }
    return new Examples(x, y, FEATURES, 1);
  }

  static TaskData task() {
    return new TaskData(
        new Task("synthetic", List.of(5, 6), 6, 0),
        examples(256, 1),
        examples(64, 2),
        examples(128, 3));
  }

  static FineTuneOptions.Builder options() {
    return FineTuneOptions.builder().optimizer(Optimizer.sgd(0.05)).seed(11);
  }

  private static INDArray params(Network n, int layer) {
    return ((MultiLayerNetwork) n.model()).getLayer(layer).params().dup();
  }

  @Test
  void frozenPhaseLeavesReusedLayersAndTheBaseUntouched() {
    Network base = base();
    INDArray before0 = params(base, 0);
    INDArray before1 = params(base, 1);
    FineTuneResult r =
        FineTuner.fineTune(
            base, task(), options().freezeEpochs(3).epochs(0).build(), TrainingListener.NONE);
    assertEquals(before0, params(r.network(), 0));
    assertEquals(before1, params(r.network(), 1));
    assertEquals(List.of("dense_0", "dense_1"), r.frozenLayers());
    assertEquals(before0, params(base, 0));
    assertEquals(3, r.history().size());
  }

  /**
   * The reused layers keep their names through freezing, unfreezing and a save, so --freeze by name
   * works on the result.
   */
  @Test
  void reusedLayersKeepTheirNames() throws Exception {
    Network base = base();
    FineTuneResult r =
        FineTuner.fineTune(
            base, task(), options().freezeEpochs(1).epochs(1).build(), TrainingListener.NONE);
    assertEquals(List.of("dense_0", "dense_1", "head"), r.network().layerNames());
    Path zip = tmp.resolve("tuned.zip");
    Dl4jZip.write(r.network(), zip, null);
    assertEquals(List.of("dense_0", "dense_1", "head"), Dl4jZip.read(zip).layerNames());
    FineTuneResult frozenOnly =
        FineTuner.fineTune(
            base, task(), options().freezeEpochs(1).epochs(0).build(), TrainingListener.NONE);
    assertEquals(List.of("dense_0", "dense_1", "head"), frozenOnly.network().layerNames());
  }

  @Test
  void unfreezingTrainsEverythingButNeverTheBase() {
    Network base = base();
    INDArray before0 = params(base, 0);
    FineTuneResult r =
        FineTuner.fineTune(
            base, task(), options().freezeEpochs(1).epochs(3).build(), TrainingListener.NONE);
    assertNotEquals(before0, params(r.network(), 0));
    assertEquals(before0, params(base, 0));
    assertEquals(
        1,
        ((MultiLayerNetwork) r.network().model()).getLayer(2).conf().getLayer()
                instanceof org.deeplearning4j.nn.conf.layers.OutputLayer ol
            ? ol.getNOut()
            : -1);
  }

  @Test
  void partialFreezeByName() {
    Network base = base();
    FineTuneResult r =
        FineTuner.fineTune(
            base,
            task(),
            options().freeze("dense_0").freezeEpochs(3).epochs(0).build(),
            TrainingListener.NONE);
    assertEquals(params(base, 0), params(r.network(), 0));
    assertNotEquals(params(base, 1), params(r.network(), 1));
  }

  @Test
  void sameSeedSameWeights() {
    FineTuneOptions o = options().freezeEpochs(2).epochs(2).build();
    FineTuneResult a = FineTuner.fineTune(base(), task(), o, TrainingListener.NONE);
    FineTuneResult b = FineTuner.fineTune(base(), task(), o, TrainingListener.NONE);
    assertEquals(
        ((MultiLayerNetwork) a.network().model()).params(),
        ((MultiLayerNetwork) b.network().model()).params());
    FineTuneResult c =
        FineTuner.fineTune(
            base(),
            task(),
            options().seed(12).freezeEpochs(2).epochs(2).build(),
            TrainingListener.NONE);
    assertNotEquals(
        ((MultiLayerNetwork) a.network().model()).params(),
        ((MultiLayerNetwork) c.network().model()).params());
  }

  @Test
  void learnsTheTask() {
    FineTuneResult r =
        FineTuner.fineTune(
            base(),
            task(),
            options().freezeEpochs(5).epochs(30).optimizer(Optimizer.sgd(0.1)).build(),
            TrainingListener.NONE);
    double first = r.history().get(0).trainLoss();
    double last = r.history().get(r.history().size() - 1).trainLoss();
    assertTrue(last < first * 0.8, "loss " + first + " -> " + last);
    assertTrue(r.test().accuracy() > 0.8, "accuracy " + r.test().accuracy());
  }

  @Test
  void savesZipAndRecord() throws Exception {
    Network base = base();
    TaskData data = task();
    FineTuneOptions o = options().freezeEpochs(1).epochs(1).build();
    FineTuneResult r = FineTuner.fineTune(base, data, o, TrainingListener.NONE);
    Path out = tmp.resolve("tuned.zip");
    FineTuneRecord.save(r.network(), out, FineTuneRecord.describe(base, data, o, r));
    Network back = Dl4jZip.read(out);
    INDArray x = data.test().featureMatrix();
    assertEquals(r.network().outputFlat(x), back.outputFlat(x));
    JsonNode record = new ObjectMapper().readTree(tmp.resolve("tuned.json").toFile());
    assertEquals(
        List.of("dense_0", "dense_1"),
        List.of(
            record.get("frozen_layers").get(0).asText(),
            record.get("frozen_layers").get(1).asText()));
    assertEquals(r.test().accuracy(), record.get("test_accuracy").asDouble());
    assertEquals(1, record.get("freeze_epochs").asInt());
    try (var files = Files.list(tmp)) {
      assertEquals(2, files.count(), "no temporary files are left behind");
    }
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThrows(GraftException.class, () -> FineTuneOptions.builder().dropTop(0).build());
    assertThrows(
        GraftException.class, () -> FineTuneOptions.builder().freezeEpochs(0).epochs(0).build());
    GraftException e =
        assertThrows(
            GraftException.class,
            () ->
                FineTuner.fineTune(
                    base(), task(), options().dropTop(3).build(), TrainingListener.NONE));
    // the library names its parameter (the command line maps it to --drop)
    assertTrue(e.getMessage().startsWith("dropTop 3 would drop every layer"), e.getMessage());
    assertEquals("dropTop", e.parameter());
    GraftException wrongHead =
        assertThrows(
            GraftException.class,
            () ->
                FineTuner.fineTune(
                    base(),
                    task(),
                    options().head(List.of(new DenseSpec(4, "softmax"))).build(),
                    TrainingListener.NONE));
    assertTrue(wrongHead.getMessage().contains("needs 1"), wrongHead.getMessage());
  }
}
