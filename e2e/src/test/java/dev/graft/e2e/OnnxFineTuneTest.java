package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.SharedModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imported ONNX network trains. The oracle is the Keras path, checked against the chapter
 * elsewhere: the chapter's model A written to ONNX by graft, then imported back as trainable layers
 * (graft finetune --no-cache), fine-tunes on shirt vs sandal exactly as the Keras file does.
 */
class OnnxFineTuneTest {
  @TempDir Path tmp;

  @Test
  void modelAFromOnnxFineTunesAsFromKeras() {
    Path keras = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    ChapterReuseTest.requireData();
    Path onnx = tmp.resolve("model_A.onnx");
    Cli convert = Cli.run("convert", keras.toString(), onnx.toString());
    assertEquals(0, convert.exitCode(), convert.err());

    JsonNode fromOnnx = finetune(onnx.toString(), "--no-cache");
    JsonNode fromKeras = finetune(keras.toString());
    double a = fromOnnx.get("test_accuracy").asDouble();
    System.out.printf(
        "shirt vs sandal, seed 1: B on A from ONNX %.4f, from Keras %.4f%n",
        a, fromKeras.get("test_accuracy").asDouble());
    assertEquals(fromKeras.get("test_accuracy").asDouble(), a, 0.005);
    assertTrue(a > 0.95, "accuracy " + a);

    // It trained: the loss fell and validation accuracy rose from the first epoch to the last.
    JsonNode history = fromOnnx.get("record").get("history");
    JsonNode first = history.get(0);
    JsonNode last = history.get(history.size() - 1);
    assertTrue(last.get("loss").asDouble() < first.get("loss").asDouble(), history.toString());
    assertTrue(
        last.get("val_accuracy").asDouble() > first.get("val_accuracy").asDouble(),
        history.toString());
  }

  private JsonNode finetune(String base, String... extra) {
    String[] args = {
      "finetune",
      base,
      "--task",
      "shirt-vs-sandal",
      "--seed",
      "1",
      "--out",
      tmp.resolve("b" + base.hashCode() + ".zip").toString(),
      "--json"
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    Cli r = Cli.run(all);
    assertEquals(0, r.exitCode(), r.err());
    return r.json();
  }
}
