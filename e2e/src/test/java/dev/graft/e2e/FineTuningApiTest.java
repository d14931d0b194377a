package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import dev.graft.data.Npz;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.Prediction;
import dev.graft.runtime.Predictor;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuned;
import dev.graft.trainer.FineTuning;
import dev.graft.trainer.Predictors;
import dev.graft.trainer.data.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's front door as a Java service calls it: one builder fine-tunes model A (Keras .h5)
 * on labelled arrays NumPy wrote (scripts/make_fashion_arrays.py), the saved ONNX file run by ONNX
 * Runtime gets exactly the reported accuracy on the 2,000 real test images, the same result saved
 * as a DL4J zip gives the same probabilities in DL4J, and the record names the base by a SHA-256
 * computed here. Errors name the library's parameters; the command line names its flags.
 */
class FineTuningApiTest {
  private static Path arrays;
  @TempDir Path tmp;

  @BeforeAll
  static void write() throws Exception {
    arrays = FashionArrays.dir();
  }

  private static Path modelA() {
    return SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
  }

  @Test
  void oneBuilderTrainsSavesAndServesWhatItReports() throws Exception {
    Path npz = arrays.resolve("shirt_sandal.npz");
    Path onnx = tmp.resolve("b.onnx");
    FineTuned tuned =
        FineTuning.builder()
            .base(modelA())
            .data(DataSource.arrays(npz.toString()))
            .out(onnx)
            .build()
            .run();
    assertEquals(2000, tuned.test().n());
    assertTrue(tuned.test().accuracy() >= 0.98, "test accuracy " + tuned.test().accuracy());
    assertEquals(List.of("0", "1"), tuned.classNames());

    // ONNX Runtime on the saved file over NumPy's own test arrays (uint8 pixels, x/255 as the
    // model's images): every prediction's class against the file's labels
    var z = Npz.read(npz);
    Npy.Array x = z.get("x_test");
    Npy.Array y = z.get("y_test");
    int n = (int) x.shape()[0];
    float[] pixels = x.data();
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] /= 255f;
    }
    List<Prediction> fromOnnx;
    try (Predictor p = Predictors.open(onnx, ModelOptions.defaults())) {
      assertEquals(List.of("0", "1"), p.classNames(), "the class names travel in the file");
      fromOnnx = p.predictBatch(pixels, n);
    }
    assertArrayEquals(new long[] {2}, fromOnnx.get(0).shape(), "two classes' probabilities");
    int right = 0;
    for (int i = 0; i < n; i++) {
      right += fromOnnx.get(i).best().index() == (int) y.data()[i] ? 1 : 0;
    }
    assertEquals(tuned.test().accuracy(), right / (double) n, 1e-12);

    // the same result as a DL4J zip, run by DL4J: ONNX Runtime's probabilities
    Path zip = tmp.resolve("b.zip");
    tuned.saveDl4j(zip);
    try (Predictor p = Predictors.open(zip, ModelOptions.defaults())) {
      List<Prediction> fromDl4j = p.predictBatch(java.util.Arrays.copyOf(pixels, 100 * 784), 100);
      for (int i = 0; i < 100; i++) {
        float[] a = fromOnnx.get(i).values();
        float[] b = fromDl4j.get(i).values();
        for (int k = 0; k < a.length; k++) {
          assertEquals(a[k], b[k], 1e-5, "example " + i);
        }
      }
    }

    // one record, beside each file: the base by its SHA-256, the arrays, the epochs trained
    JsonNode record = new ObjectMapper().readTree(tmp.resolve("b.json").toFile());
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(modelA())));
    assertEquals(sha, record.get("base").get("sha256").asText());
    assertEquals(npz.toString(), record.get("arrays").get("path").asText());
    assertEquals(tuned.history().size(), record.get("history").size());
    GraftException wrongName =
        assertThrows(GraftException.class, () -> tuned.saveKeras(tmp.resolve("b.onnx")));
    assertEquals("out", wrongName.parameter());
  }

  @Test
  void errorsNameTheParameterAndTheCommandLineItsFlag() {
    GraftException e =
        assertThrows(GraftException.class, () -> FineTuneOptions.builder().dropTop(0).build());
    assertEquals("dropTop", e.parameter());
    assertTrue(e.getMessage().startsWith("dropTop must be at least 1"), e.getMessage());
    Cli cli = Cli.run("finetune", modelA().toString(), "--task", "shirt-vs-sandal", "--drop", "0");
    assertEquals(2, cli.exitCode());
    assertTrue(cli.err().startsWith("graft: --drop must be at least 1"), cli.err());

    // an ONNX trunk stays frozen in ONNX Runtime: a layer selection to freeze is refused (it was
    // once silently ignored), before any data is read, and nothing is written
    Path onnxA = tmp.resolve("a.onnx");
    assertEquals(0, Cli.run("convert", modelA().toString(), onnxA.toString()).exitCode());
    Path out = tmp.resolve("never.onnx");
    FineTuning job =
        FineTuning.builder()
            .base(onnxA)
            .data(DataSource.arrays(tmp.resolve("missing.npz").toString()))
            .options(FineTuneOptions.builder().freeze("0-1").build())
            .out(out)
            .build();
    GraftException freeze = assertThrows(GraftException.class, job::run);
    assertEquals("freeze", freeze.parameter());
    assertFalse(Files.exists(out));
    Cli onnxCli =
        Cli.run(
            "finetune",
            onnxA.toString(),
            "--task",
            "shirt-vs-sandal",
            "--freeze",
            "0",
            "--out",
            out.toString());
    assertEquals(2, onnxCli.exitCode());
    assertTrue(onnxCli.err().startsWith("graft: --freeze does not apply"), onnxCli.err());
    assertFalse(Files.exists(out));
  }
}
