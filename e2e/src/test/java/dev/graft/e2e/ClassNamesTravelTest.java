package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Teachable Machine model's labels.txt names its classes wherever the model goes: inspect, the
 * DL4J zip and the ONNX file graft writes, and predict's report; a labels.txt that names a
 * different number of classes than the model has outputs is ignored.
 */
class ClassNamesTravelTest {
  @TempDir Path tmp;

  @Test
  void labelsTravelThroughInspectConvertAndPredict() throws Exception {
    Path h5 = SharedModels.require("teachable-machine/helmet-epi/keras_model.h5");
    List<String> names = List.of("ComCapacete", "SemCapacete", "FalsoCapacete");
    Cli inspect = Cli.run("inspect", h5.toString(), "--json");
    assertEquals(0, inspect.exitCode(), inspect.err());
    assertEquals(names, strings(inspect.json().get("class_names")));

    Path zip = tmp.resolve("helmet.zip");
    Path onnx = tmp.resolve("helmet.onnx");
    assertEquals(0, Cli.run("convert", h5.toString(), zip.toString()).exitCode());
    assertEquals(0, Cli.run("convert", h5.toString(), onnx.toString()).exitCode());
    assertEquals(names, ModelLoader.load(zip).classNames());
    try (OnnxModel m = OnnxModel.load(onnx, ModelOptions.defaults())) {
      assertEquals(names, m.classNames());
    }

    INDArray x = RealKerasFilesTest.fixedInput(new long[] {224, 224, 3}, 4, 3);
    Path in = tmp.resolve("x.npy");
    Npy.write(in, x.data().asFloat(), x.shape());
    for (Path model : List.of(h5, zip, onnx)) {
      Cli r =
          Cli.run(
              "predict",
              model.toString(),
              "--input",
              in.toString(),
              "--output",
              tmp.resolve("y.npy").toString(),
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      assertEquals(names, strings(r.json().get("class_names")), model.toString());
      int total = 0;
      for (String n : names) {
        total += r.json().get("top_class_counts").get(n).asInt();
      }
      assertEquals(4, total);
    }
  }

  @Test
  void aLabelsFileThatDoesNotFitTheModelIsIgnored() throws Exception {
    Path h5 = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Path copy = Files.copy(h5, dir.resolve("keras_model.h5"));
    Files.writeString(dir.resolve("labels.txt"), "0 a\n1 b\n2 c\n");
    assertEquals(List.of(), ModelLoader.load(copy).classNames());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
