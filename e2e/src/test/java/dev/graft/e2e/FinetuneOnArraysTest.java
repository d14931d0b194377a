package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fashion-MNIST as the arrays users bring (scripts/make_fashion_arrays.py, NumPy): a Keras-style
 * .npz of uint8 images, an .npz of test images, a CSV with class names. eval on arrays gives
 * exactly what eval on the same images through the IDX path gives; finetune with default flags on
 * the .npz lands within 2 points of the same recipe on the chapter's task (the training examples
 * differ: a stratified fifth of the 250 is held out for validation); CSV class names travel.
 */
class FinetuneOnArraysTest {
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
  void evalOnArraysEqualsEvalOnTheSameImages() {
    Cli idx = Cli.run("eval", modelA().toString(), "--exclude", "5,6", "--json");
    Cli npz =
        Cli.run(
            "eval",
            modelA().toString(),
            "--data",
            arrays.resolve("eight_classes.npz").toString(),
            "--json");
    assertEquals(0, idx.exitCode(), idx.err());
    assertEquals(0, npz.exitCode(), npz.err());
    assertEquals(8000, npz.json().get("n").asInt());
    assertEquals(idx.json().get("accuracy").asDouble(), npz.json().get("accuracy").asDouble());
    assertEquals(idx.json().get("loss").asDouble(), npz.json().get("loss").asDouble(), 1e-6);
    assertEquals(idx.json().get("confusion"), npz.json().get("confusion"));
    assertTrue(npz.json().get("scaling").asText().startsWith("unit"), "uint8 pixels scaled x/255");
  }

  @Test
  void finetuneOnANpzMatchesTheSameRecipeOnTheTask() {
    Path npzOut = tmp.resolve("npz.zip");
    Cli npz =
        Cli.run(
            "finetune",
            modelA().toString(),
            "--data",
            arrays.resolve("shirt_sandal.npz").toString(),
            "--out",
            npzOut.toString(),
            "--json");
    assertEquals(0, npz.exitCode(), npz.err());
    Cli task =
        Cli.run(
            "finetune",
            modelA().toString(),
            "--task",
            "shirt-vs-sandal",
            "--out",
            tmp.resolve("task.zip").toString(),
            "--json");
    assertEquals(0, task.exitCode(), task.err());
    JsonNode j = npz.json();
    assertEquals(2000, j.get("n").asInt(), "the npz's own test split");
    double a = j.get("test_accuracy").asDouble();
    double b = task.json().get("test_accuracy").asDouble();
    assertTrue(a >= 0.97, "arrays: " + a);
    assertTrue(Math.abs(a - b) <= 0.02, "arrays " + a + " vs task " + b);
    JsonNode source = j.get("record").get("arrays");
    assertEquals(200, source.get("train").asInt());
    assertEquals(50, source.get("validation").asInt());
    // the fine-tuned model evaluates on the same file as finetune reported
    Cli eval =
        Cli.run(
            "eval",
            npzOut.toString(),
            "--data",
            arrays.resolve("shirt_sandal.npz").toString(),
            "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals(a, eval.json().get("accuracy").asDouble(), 1e-9);
  }

  @Test
  void anOnnxBaseFineTunesOnArraysIntoAnOnnxModelWithTheirClassNames() {
    Path onnx = tmp.resolve("a.onnx");
    assertEquals(0, Cli.run("convert", modelA().toString(), onnx.toString()).exitCode());
    Path out = tmp.resolve("mine.onnx");
    Cli r =
        Cli.run(
            "finetune",
            onnx.toString(),
            "--data",
            arrays.resolve("shirt_sandal.csv").toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.json().get("test_accuracy").asDouble() >= 0.9, r.out());
    Cli eval =
        Cli.run(
            "eval",
            out.toString(),
            "--data",
            arrays.resolve("shirt_sandal.csv").toString(),
            "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals("sandal", eval.json().get("per_class").get(0).get("class").asText());
    assertEquals("shirt", eval.json().get("per_class").get(1).get("class").asText());
  }

  @Test
  void csvClassNamesTravelWithTheModel() {
    Path out = tmp.resolve("csv.zip");
    Path csv = arrays.resolve("shirt_sandal.csv");
    Cli r =
        Cli.run(
            "finetune",
            modelA().toString(),
            "--data",
            csv.toString(),
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.json().get("test_accuracy").asDouble() >= 0.9, r.out());
    Cli inspect = Cli.run("inspect", out.toString());
    assertTrue(inspect.out().contains("sandal") && inspect.out().contains("shirt"), inspect.out());
    Cli eval = Cli.run("eval", out.toString(), "--data", csv.toString(), "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals("sandal", eval.json().get("per_class").get(0).get("class").asText());
    assertEquals(250, eval.json().get("n").asInt());
    // predict on the CSV (its label column left out) gives what it gives on NumPy's parse of it
    Predicted fromCsv = predict(out, csv);
    Predicted fromNpy = predict(out, arrays.resolve("shirt_sandal_x.npy"));
    assertEquals(500, fromCsv.y().length);
    assertClose(fromNpy.y(), fromCsv.y());
  }

  private record Predicted(float[] y, String err) {}

  /** graft predict MODEL --input INPUT into a .npy, which must succeed; its outputs and stderr. */
  private Predicted predict(Path model, Path input) {
    Path y = tmp.resolve(input.getFileName() + ".y.npy");
    Cli r =
        Cli.run("predict", model.toString(), "--input", input.toString(), "--output", y.toString());
    assertEquals(0, r.exitCode(), r.err());
    return new Predicted(Npy.read(y).data(), r.err());
  }

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < actual.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6, "output " + i);
    }
  }

  @Test
  void predictScalesUint8PixelsAsTheModelsImagesAndTakesFloatsAsGiven() {
    Predicted u8 = predict(modelA(), arrays.resolve("images_u8.npy"));
    Predicted f32 = predict(modelA(), arrays.resolve("images_f32.npy"));
    assertTrue(u8.err().contains("values scaled unit"), u8.err());
    assertFalse(f32.err().contains("values scaled"), f32.err());
    assertEquals(20 * 8, u8.y().length);
    assertClose(f32.y(), u8.y());
  }

  @Test
  void badArraysAreOneLineErrorsAndWriteNothing() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.csv"), "a,b,label\n1,2,x\n3,y\n");
    Path out = tmp.resolve("never.zip");
    Cli r =
        Cli.run("finetune", modelA().toString(), "--data", bad.toString(), "--out", out.toString());
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("line 3"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(Files.exists(out));
    Path tooFew = Files.writeString(tmp.resolve("few.csv"), "a,b,label\n1,2,x\n3,4,y\n");
    Cli wrongSize = Cli.run("eval", modelA().toString(), "--data", tooFew.toString());
    assertEquals(2, wrongSize.exitCode(), wrongSize.err());
    assertTrue(wrongSize.err().contains("do not fit the model"), wrongSize.err());
  }
}
