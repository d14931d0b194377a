package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import dev.graft.runtime.Npy;
import dev.graft.trainer.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
