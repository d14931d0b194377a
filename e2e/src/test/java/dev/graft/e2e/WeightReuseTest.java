package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.keras2.KerasH5Importer;
import dev.graft.data.Npy;
import dev.graft.trainer.WeightReuse;
import dev.graft.trainer.spec.LayerSpec;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.OptimizerSpec;
import dev.graft.trainer.spec.SpecJson;
import dev.graft.trainer.spec.SpecNetworkBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring only some layers of another model (the chapter's TensorFlow recipe), and weights from
 * .npy files.
 */
class WeightReuseTest {
  static final String MODEL_A = "keras2/chapter11/my_model_A__keras-2.4.0.h5";

  @TempDir Path tmp;

  static NetworkSpec modelB(int firstUnits) {
    return NetworkSpec.builder()
        .name("b")
        .input(28, 28)
        .layer(LayerSpec.dense(firstUnits, "selu").initializer("lecun_normal"))
        .layer(LayerSpec.dense(100, "selu").initializer("lecun_normal"))
        .layer(LayerSpec.dense(50, "selu").initializer("lecun_normal").repeat(3))
        .optimizer(OptimizerSpec.of("sgd").learningRate(0.001))
        .seed(1)
        .build();
  }

  @Test
  void lowerLayersComeFromModelAExactly() {
    Network a = KerasH5Importer.importFile(SharedModels.require(MODEL_A));
    Network b = SpecNetworkBuilder.build(modelB(300), 1, 1, 1);
    List<String> copied = WeightReuse.copyMatching(a, "dense_21[7-9]", b);
    assertEquals(3, copied.size(), copied.toString());
    MultiLayerNetwork an = (MultiLayerNetwork) a.model();
    MultiLayerNetwork bn = (MultiLayerNetwork) b.model();
    for (int i = 0; i < 3; i++) {
      assertEquals(
          an.getLayer(i).getParam("W"), bn.getLayer(i).getParam("W"), "kernel of layer " + i);
      assertEquals(
          an.getLayer(i).getParam("b"), bn.getLayer(i).getParam("b"), "bias of layer " + i);
    }
    assertTrue(
        !an.getLayer(3).getParam("W").equals(bn.getLayer(3).getParam("W")),
        "the fourth layer is not reused");

    GraftException e =
        assertThrows(
            GraftException.class,
            () ->
                WeightReuse.copyMatching(
                    a, "dense_21[7-9]", SpecNetworkBuilder.build(modelB(200), 1, 1, 1)));
    assertTrue(
        e.getMessage().contains("dense_217")
            && e.getMessage().contains("[784, 300]")
            && e.getMessage().contains("[784, 200]"),
        e.getMessage());
  }

  /**
   * From the command line: reused lower layers beat the same network from scratch on 200 images;
   * .npy weights land.
   */
  @Test
  void trainWithReusedLayersAndNpyWeights() throws Exception {
    Path modelA = SharedModels.require(MODEL_A);
    ChapterReuseTest.requireData();
    Path spec = tmp.resolve("b.json");
    Files.writeString(spec, SpecJson.write(modelB(300)));
    String[] common = {
      "train", spec.toString(), "--task", "shirt-vs-sandal", "--epochs", "5", "--json"
    };
    JsonNode reused =
        run(
            common,
            "--out",
            tmp.resolve("reused.zip").toString(),
            "--reuse-from",
            modelA.toString(),
            "--reuse",
            "dense_21[7-9]");
    JsonNode scratch = run(common, "--out", tmp.resolve("scratch.zip").toString());
    assertEquals(3, reused.get("weights_from").size(), reused.toString());
    double r = reused.get("test_accuracy").asDouble();
    double s = scratch.get("test_accuracy").asDouble();
    System.out.printf(
        "shirt vs sandal, 5 epochs: lower layers from A %.4f, from scratch %.4f%n", r, s);
    assertTrue(r > s, r + " vs " + s);

    MultiLayerNetwork a = (MultiLayerNetwork) KerasH5Importer.importFile(modelA).model();
    Npy.write(
        tmp.resolve("k.npy"),
        a.getLayer(0).getParam("W").dup().data().asFloat(),
        new long[] {784, 300});
    Npy.write(
        tmp.resolve("b.npy"), a.getLayer(0).getParam("b").dup().data().asFloat(), new long[] {300});
    JsonNode npy =
        run(
            new String[] {
              "train", spec.toString(), "--task", "shirt-vs-sandal", "--epochs", "1", "--json"
            },
            "--out",
            tmp.resolve("npy.zip").toString(),
            "--set-weights",
            "dense=" + tmp.resolve("k.npy") + "," + tmp.resolve("b.npy"));
    assertEquals(1, npy.get("weights_from").size());
    Cli bad =
        Cli.run(
            "train",
            spec.toString(),
            "--task",
            "shirt-vs-sandal",
            "--epochs",
            "1",
            "--out",
            tmp.resolve("bad.zip").toString(),
            "--set-weights",
            "dense_1=" + tmp.resolve("k.npy"));
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("[784, 300] does not fit [300, 100]"), bad.err());
    assertTrue(Files.notExists(tmp.resolve("bad.zip")));
  }

  private static JsonNode run(String[] common, String... more) {
    String[] all = java.util.Arrays.copyOf(common, common.length + more.length);
    System.arraycopy(more, 0, all, common.length, more.length);
    Cli r = Cli.run(all);
    assertEquals(0, r.exitCode(), r.err());
    return r.json();
  }
}
