package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.converter.keras3.KerasV3Importer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning a Functional (graph) model follows the same recipe as a layer stack. The oracle is
 * the stack path itself, checked elsewhere against the chapter: the third edition's model A,
 * rewired as a graph that computes exactly the same function (its last hidden layer's output passed
 * through Maximum(x, x)), must fine-tune to the same test accuracy as model A does.
 */
class GraphFineTuneTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void modelAAsAGraphFineTunesAsTheStackDoes() throws IOException {
    Path stack = SharedModels.require(KerasV3Test.MODEL_A);
    ChapterReuseTest.requireData();
    Path graph = rewireAsGraph(stack, tmp.resolve("model_A_graph.keras"));
    Network imported = KerasV3Importer.importFile(graph);
    assertInstanceOf(ComputationGraph.class, imported.model());
    assertInstanceOf(MultiLayerNetwork.class, KerasV3Importer.importFile(stack).model());
    // Same function before any training: ONNX Runtime on the exported graph agrees with DL4J, and
    // the graph's predictions equal the stack's.
    OnnxExportTest.assertSameOutputs(imported, ExportOptions.defaults(), OnnxExportTest.images());
    float[] pixels = OnnxExportTest.images();
    var x =
        org.nd4j.linalg.factory.Nd4j.create(pixels, new long[] {pixels.length / 784, 28, 28}, 'c');
    KerasWriterTest.assertClose(
        KerasV3Importer.importFile(stack).output(x).dup('c').data().asFloat(),
        imported.output(x).dup('c').data().asFloat(),
        1e-5,
        "graph vs stack");

    double[] accuracy = new double[2];
    Path[] bases = {stack, graph};
    for (int i = 0; i < 2; i++) {
      Path out = tmp.resolve("b" + i + ".zip");
      Cli r =
          Cli.run(
              "finetune",
              bases[i].toString(),
              "--task",
              "pullover-vs-tshirt",
              "--seed",
              "3",
              "--out",
              out.toString(),
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      accuracy[i] = r.json().get("test_accuracy").asDouble();
      Cli eval = Cli.run("eval", out.toString(), "--task", "pullover-vs-tshirt", "--json");
      assertEquals(0, eval.exitCode(), eval.err());
      assertEquals(
          accuracy[i],
          eval.json().get("accuracy").asDouble(),
          1e-9,
          "the saved zip scores what finetune reported");
    }
    System.out.printf(
        "pullover vs T-shirt, seed 3: B on A as a stack %.4f, as a graph %.4f%n",
        accuracy[0], accuracy[1]);
    assertTrue(accuracy[0] > 0.9, "stack " + accuracy[0]);
    assertEquals(accuracy[0], accuracy[1], 0.005, "graph and stack fine-tune alike");
    assertInstanceOf(ComputationGraph.class, Dl4jZip.read(tmp.resolve("b1.zip")).model());
  }

  /**
   * Model A's Sequential config as a Functional one, with a Maximum(x, x) before the output layer;
   * same weights file.
   */
  static Path rewireAsGraph(Path archive, Path out) throws IOException {
    try (ZipFile in = new ZipFile(archive.toFile());
        ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("config.json")) {
          bytes = JSON.writeValueAsBytes(functional(JSON.readTree(bytes)));
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(bytes);
        zip.closeEntry();
      }
    }
    return out;
  }

  private static ObjectNode functional(JsonNode sequential) {
    ArrayNode layers = JSON.createArrayNode();
    String previous = null;
    JsonNode all = sequential.path("config").path("layers");
    for (int i = 0; i < all.size(); i++) {
      ObjectNode layer = all.get(i).deepCopy();
      String name = layer.path("config").path("name").asText();
      layer.put("name", name);
      ArrayNode inbound = layer.putArray("inbound_nodes");
      if (i == all.size() - 1) {
        ObjectNode twin = JSON.createObjectNode();
        twin.put("module", "keras.layers");
        twin.put("class_name", "Maximum");
        twin.putObject("config").put("name", "twin").put("trainable", true);
        twin.putNull("registered_name");
        twin.put("name", "twin");
        ArrayNode both = twin.putArray("inbound_nodes").addObject().putArray("args").addArray();
        both.add(tensor(previous));
        both.add(tensor(previous));
        layers.add(twin);
        previous = "twin";
      }
      if (previous != null) {
        ObjectNode node = inbound.addObject();
        node.putArray("args").add(tensor(previous));
        node.putObject("kwargs");
      }
      layers.add(layer);
      previous = name;
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("module", "keras.src.models.functional");
    root.put("class_name", "Functional");
    ObjectNode config = root.putObject("config");
    config.put("name", "model_A_graph");
    config.set("layers", layers);
    config
        .putArray("input_layers")
        .addArray()
        .add(all.get(0).path("config").path("name").asText())
        .add(0)
        .add(0);
    config.putArray("output_layers").addArray().add(previous).add(0).add(0);
    root.put("registered_name", "Functional");
    return root;
  }

  private static ObjectNode tensor(String layer) {
    ObjectNode t = JSON.createObjectNode();
    t.put("class_name", "__keras_tensor__");
    t.putObject("config").putArray("keras_history").add(layer).add(0).add(0);
    return t;
  }
}
