package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.keras2.KerasH5Importer;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.runtime.ActivationCache;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.CachedFineTuner;
import dev.graft.trainer.Classifier;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuneResult;
import dev.graft.trainer.FineTuner;
import dev.graft.trainer.Optimizer;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Training heads on cached activations of a frozen trunk run by ONNX Runtime. */
class CachedFineTuneTest {
  static final String MODEL_A = "keras2/chapter11/my_model_A__keras-2.4.0.h5";

  @TempDir Path tmp;

  static TaskData shirtVsSandal() {
    ChapterReuseTest.requireData();
    return TaskData.of(FashionMnist.load(null), Task.preset("shirt-vs-sandal"));
  }

  /**
   * The oracle is DL4J recomputing the frozen layers every step: both must end with the same head.
   */
  @Test
  void cachedAndUncachedTrainTheSameHead() throws Exception {
    Network base = KerasH5Importer.importFile(SharedModels.require(MODEL_A));
    TaskData data = shirtVsSandal();
    FineTuneOptions options =
        FineTuneOptions.builder()
            .freezeEpochs(3)
            .epochs(0)
            .optimizer(Optimizer.sgd(0.01))
            .seed(3)
            .build();
    FineTuneResult plain = FineTuner.fineTune(base, data, options, TrainingListener.NONE);
    FineTuneResult cached =
        CachedFineTuner.fineTune(
            base, "dense_221", data, options, new ActivationCache(tmp), TrainingListener.NONE);
    INDArray a = ((MultiLayerNetwork) plain.network().model()).getLayer(5).params();
    INDArray b = ((MultiLayerNetwork) cached.network().model()).getLayer(5).params();
    double maxDiff = a.sub(b).amaxNumber().doubleValue();
    assertTrue(maxDiff < 1e-4, "head weights differ by " + maxDiff);
    assertTrue(
        a.sub(
                    ((MultiLayerNetwork) base.model())
                        .getLayer(5)
                        .params()
                        .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 51)))
                .amaxNumber()
                .doubleValue()
            > 0,
        "the head is new");
    assertEquals(plain.test().accuracy(), cached.test().accuracy(), 0.002);
    try (var files = java.nio.file.Files.list(tmp)) {
      assertEquals(3, files.count(), "train, valid and test activations are cached");
    }
  }

  @Test
  void stitchedModelEqualsTrunkThenHead() {
    Network base = KerasH5Importer.importFile(SharedModels.require(MODEL_A));
    TaskData data = shirtVsSandal();
    ModelProto onnx = OnnxExporter.export(base, ExportOptions.defaults());
    FineTuneOptions options = FineTuneOptions.builder().freezeEpochs(2).epochs(0).seed(1).build();
    var r =
        CachedFineTuner.train(
            onnx,
            "dense_220/Selu",
            data,
            options,
            null,
            ModelOptions.defaults(),
            TrainingListener.NONE);
    float[] x = java.util.Arrays.copyOf(data.test().features(), 100 * 784);
    try (OnnxModel trunk = OnnxModel.load(r.trunk().toByteArray(), ModelOptions.defaults());
        OnnxModel stitched = OnnxModel.load(r.stitched().toByteArray(), ModelOptions.defaults())) {
      float[] expected = Classifier.of(r.head()).predict(trunk.predict(x, 100), 100);
      OnnxExportTest.assertClose(expected, stitched.predict(x, 100), "stitched vs trunk then head");
    }
  }

  /**
   * --keep-upper: the model's own layers above the cut are imported and trained on the cached
   * activations under the new head. The stitched ONNX equals trunk (ONNX Runtime) then upper layers
   * (DL4J), and keeping them beats a new head alone at the same, low cut.
   */
  @Test
  void keptUpperLayersTrainOnTheCacheAndStitch() {
    Network base = KerasH5Importer.importFile(SharedModels.require(MODEL_A));
    TaskData data = shirtVsSandal();
    ModelProto onnx = OnnxExporter.export(base, ExportOptions.defaults());
    String cut = onnx.getGraph().getNode(2).getOutput(0); // the first hidden layer's output
    FineTuneOptions options = FineTuneOptions.builder().freezeEpochs(4).epochs(16).seed(1).build();
    ActivationCache cache = new ActivationCache(tmp);
    var upper =
        CachedFineTuner.trainUpper(
            onnx, cut, data, options, cache, ModelOptions.defaults(), TrainingListener.NONE);
    var headOnly =
        CachedFineTuner.train(
            onnx,
            cut,
            data,
            FineTuneOptions.builder().freezeEpochs(20).epochs(0).seed(1).build(),
            cache,
            ModelOptions.defaults(),
            TrainingListener.NONE);
    assertTrue(headOnly.cacheHits()[0], "the second run reuses the cached activations");
    assertEquals(20, upper.history().size());
    float[] x = java.util.Arrays.copyOf(data.test().features(), 100 * 784);
    try (OnnxModel trunk = OnnxModel.load(upper.trunk().toByteArray(), ModelOptions.defaults());
        OnnxModel stitched =
            OnnxModel.load(upper.stitched().toByteArray(), ModelOptions.defaults());
        OnnxModel other =
            OnnxModel.load(headOnly.stitched().toByteArray(), ModelOptions.defaults())) {
      float[] expected = Classifier.of(upper.head()).predict(trunk.predict(x, 100), 100);
      OnnxExportTest.assertClose(
          expected, stitched.predict(x, 100), "stitched vs trunk then upper layers");
      double kept =
          dev.graft.trainer.Evaluator.evaluate(Classifier.of(stitched), data.test()).accuracy();
      double fresh =
          dev.graft.trainer.Evaluator.evaluate(Classifier.of(other), data.test()).accuracy();
      System.out.printf("cut %s: upper layers kept %.4f, new head only %.4f%n", cut, kept, fresh);
      assertTrue(kept > 0.97 && kept > fresh, "kept " + kept + ", new head only " + fresh);
    }
  }

  /**
   * An operator graft's importer will never see: the trunk stays ONNX, only the head is trained.
   */
  @Test
  void trunkWithForeignOperatorTrainsThroughTheCache() throws Exception {
    Network base = KerasH5Importer.importFile(SharedModels.require(MODEL_A));
    shirtVsSandal();
    ModelProto onnx = OnnxExporter.export(base, ExportOptions.defaults());
    // Insert Sqrt and Erf (not layers DL4J has) right after the input reshape.
    var g = onnx.getGraph().toBuilder();
    NodeProto first = g.getNode(0);
    String reshaped = first.getOutput(0);
    g.setNode(1, g.getNode(1).toBuilder().setInput(0, "erf"));
    g.addNode(
        1,
        NodeProto.newBuilder()
            .setOpType("Sqrt")
            .setName("sqrt")
            .addInput(reshaped)
            .addOutput("sqrt")
            .build());
    g.addNode(
        2,
        NodeProto.newBuilder()
            .setOpType("Erf")
            .setName("erf")
            .addInput("sqrt")
            .addOutput("erf")
            .build());
    Path model = tmp.resolve("foreign.onnx");
    Files.write(model, onnx.toBuilder().setGraph(g).build().toByteArray());
    Path out = tmp.resolve("b.onnx");
    Cli r =
        Cli.run(
            "finetune",
            model.toString(),
            "--task",
            "shirt-vs-sandal",
            "--freeze-epochs",
            "5",
            "--epochs",
            "5",
            "--lr",
            "0.01",
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = r.json();
    assertTrue(j.get("test_accuracy").asDouble() > 0.8, j.toString());
    assertTrue(!j.get("cache_hits").asBoolean());
    Cli again =
        Cli.run(
            "finetune",
            model.toString(),
            "--task",
            "shirt-vs-sandal",
            "--freeze-epochs",
            "5",
            "--epochs",
            "5",
            "--lr",
            "0.01",
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--out",
            out.toString(),
            "--json");
    assertTrue(again.json().get("cache_hits").asBoolean(), "the second run reuses the activations");
    assertEquals(j.get("test_accuracy").asDouble(), again.json().get("test_accuracy").asDouble());
    Cli eval = Cli.run("eval", out.toString(), "--task", "shirt-vs-sandal", "--json");
    assertEquals(j.get("test_accuracy").asDouble(), eval.json().get("accuracy").asDouble(), 1e-9);
    Cli ls = Cli.run("cache", "ls", "--cache-dir", tmp.resolve("cache").toString(), "--json");
    assertEquals(3, ls.json().get("entries").size());
    Cli gc =
        Cli.run(
            "cache",
            "gc",
            "--max-size",
            "0",
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--json");
    assertEquals(3, gc.json().get("removed").size());
  }

  @Test
  void cutCliPathsForKerasBases() {
    Path h5 = SharedModels.require(MODEL_A);
    shirtVsSandal();
    String cache = tmp.resolve("cache").toString();
    Cli cached =
        Cli.run(
            "finetune",
            h5.toString(),
            "--task",
            "shirt-vs-sandal",
            "--cut",
            "dense_221",
            "--freeze-epochs",
            "4",
            "--epochs",
            "16",
            "--seed",
            "1",
            "--cache-dir",
            cache,
            "--out",
            tmp.resolve("c.zip").toString(),
            "--json");
    assertEquals(0, cached.exitCode(), cached.err());
    assertTrue(cached.json().get("test_accuracy").asDouble() > 0.97, cached.out());
    Cli plain =
        Cli.run(
            "finetune",
            h5.toString(),
            "--task",
            "shirt-vs-sandal",
            "--cut",
            "dense_221",
            "--no-cache",
            "--freeze-epochs",
            "4",
            "--epochs",
            "16",
            "--seed",
            "1",
            "--out",
            tmp.resolve("p.zip").toString(),
            "--json");
    assertEquals(0, plain.exitCode(), plain.err());
    assertEquals(
        plain.json().get("test_accuracy").asDouble(),
        cached.json().get("test_accuracy").asDouble(),
        0.01);
    Cli bad =
        Cli.run(
            "finetune",
            h5.toString(),
            "--task",
            "shirt-vs-sandal",
            "--cut",
            "nope",
            "--cache-dir",
            cache);
    assertEquals(2, bad.exitCode(), bad.err());
  }
}
