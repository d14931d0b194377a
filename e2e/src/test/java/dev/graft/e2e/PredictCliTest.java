package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import dev.graft.trainer.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * graft predict on the same .npy input through Keras (DL4J), a DL4J zip and ONNX (ONNX Runtime).
 */
class PredictCliTest {
  @TempDir Path tmp;

  @Test
  void everyFormatPredictsTheSame() {
    Path h5 = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    ChapterReuseTest.requireData();
    int n = 300;
    Path x = tmp.resolve("x.npy");
    Npy.write(
        x, Arrays.copyOf(FashionMnist.load(null).test().pixels(), n * 784), new long[] {n, 28, 28});
    Path onnx = tmp.resolve("a.onnx");
    Path zip = tmp.resolve("a.zip");
    assertEquals(0, Cli.run("convert", h5.toString(), onnx.toString()).exitCode());
    assertEquals(0, Cli.run("convert", h5.toString(), zip.toString()).exitCode());
    float[][] outputs = new float[3][];
    Path[] models = {h5, zip, onnx};
    for (int i = 0; i < 3; i++) {
      Path y = tmp.resolve("y" + i + ".npy");
      Cli r =
          Cli.run(
              "predict",
              models[i].toString(),
              "--input",
              x.toString(),
              "--output",
              y.toString(),
              "--batch-size",
              "128",
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      assertEquals(8, r.json().get("outputs").asInt());
      Npy.Array a = Npy.read(y);
      assertArrayEquals(new long[] {n, 8}, a.shape());
      outputs[i] = a.data();
    }
    assertArrayEquals(outputs[0], outputs[1], "the DL4J zip computes what the Keras file does");
    OnnxExportTest.assertClose(outputs[0], outputs[2], "ONNX Runtime vs DL4J");
  }

  /**
   * The book's wide-and-deep model (two inputs, two outputs): predict takes one --input per input
   * and writes one --output per output, from the Keras file, its DL4J zip and its ONNX export, each
   * matching NumPy's forward pass of the file.
   */
  @Test
  void aModelWithTwoInputsAndTwoOutputsTakesAndWritesOneFileEach() throws Exception {
    Path h5 =
        SharedModels.require(
            "keras2/real-world/homl-ch10-wide-deep-2in-2out-functional__keras-2.4.0.h5");
    int n = 5;
    INDArray wide = RealKerasFilesTest.fixedInput(new long[] {5}, n, 1);
    INDArray deep = RealKerasFilesTest.fixedInput(new long[] {6}, n, 2);
    List<float[]> expected = KerasWriterTest.pythonForward(h5, List.of(wide, deep), 2, tmp);
    Path a = tmp.resolve("wide.npy");
    Path b = tmp.resolve("deep.npy");
    Npy.write(a, wide.data().asFloat(), wide.shape());
    Npy.write(b, deep.data().asFloat(), deep.shape());
    Path onnx = tmp.resolve("wd.onnx");
    Path zip = tmp.resolve("wd.zip");
    assertEquals(0, Cli.run("convert", h5.toString(), onnx.toString()).exitCode());
    assertEquals(0, Cli.run("convert", h5.toString(), zip.toString()).exitCode());
    for (Path model : List.of(h5, zip, onnx)) {
      Path main = tmp.resolve("main.npy");
      Path aux = tmp.resolve("aux.npy");
      Cli r =
          Cli.run(
              "predict",
              model.toString(),
              "--input",
              a.toString(),
              "--input",
              b.toString(),
              "--output",
              main.toString(),
              "--output",
              aux.toString(),
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      assertEquals("aux_output", r.json().get("outputs").get(1).get("name").asText());
      KerasWriterTest.assertClose(expected.get(0), Npy.read(main).data(), 1e-4, model + " main");
      KerasWriterTest.assertClose(expected.get(1), Npy.read(aux).data(), 1e-4, model + " aux");
    }
    Cli wrong =
        Cli.run(
            "predict",
            h5.toString(),
            "--input",
            a.toString(),
            "--output",
            tmp.resolve("y.npy").toString());
    assertEquals(2, wrong.exitCode());
    assertTrue(wrong.err().contains("2 input(s) (wide_input, deep_input)"), wrong.err());
    assertFalse(Files.exists(tmp.resolve("y.npy")));
  }

  @Test
  void badInputsAreClearAndWriteNothing() throws Exception {
    Path h5 = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    Path x = tmp.resolve("x.npy");
    Npy.write(x, new float[10 * 5], new long[] {10, 5});
    Path y = tmp.resolve("y.npy");
    Cli wrongShape =
        Cli.run("predict", h5.toString(), "--input", x.toString(), "--output", y.toString());
    assertEquals(2, wrongShape.exitCode(), wrongShape.err());
    assertTrue(wrongShape.err().contains("784"), wrongShape.err());
    Path junk = Files.writeString(tmp.resolve("junk.npy"), "junk");
    assertEquals(
        3,
        Cli.run("predict", h5.toString(), "--input", junk.toString(), "--output", y.toString())
            .exitCode());
    Cli cuda =
        Cli.run(
            "predict",
            h5.toString(),
            "--input",
            x.toString(),
            "--output",
            y.toString(),
            "--device",
            "cuda");
    assertEquals(2, cuda.exitCode(), cuda.err());
    assertFalse(Files.exists(y));
    Cli badOut = Cli.run("convert", h5.toString(), tmp.resolve("a.txt").toString());
    assertEquals(2, badOut.exitCode());
  }
}
