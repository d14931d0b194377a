package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The book's wide-and-deep model (inputs wide_input [5] and deep_input [6]; outputs main_output and
 * aux_output) fine-tuned on new regression targets: {@code --output} names the head replaced, the
 * other output is dropped, and the data is an .npz with one array per input, named as the inputs.
 * Oracle: NumPy's forward pass of the file (scripts/keras3_forward.py); the targets are twice the
 * chosen output plus one, which a new linear head on the layer below fits exactly, so the stitched
 * model must predict them on examples it never saw.
 */
class FinetuneSeveralInputsTest {
  private static final String WIDE_DEEP =
      "keras2/real-world/homl-ch10-wide-deep-2in-2out-functional__keras-2.4.0.h5";
  private static final int TRAIN = 300;
  private static final int TEST = 100;

  @TempDir Path tmp;

  /** An .npz as np.savez writes it: one .npy entry per array. */
  private Path npz(String name, Map<String, INDArray> arrays) throws Exception {
    Path file = tmp.resolve(name);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (var e : arrays.entrySet()) {
        Path npy = tmp.resolve(e.getKey() + ".npy");
        Npy.write(npy, e.getValue().data().asFloat(), e.getValue().shape());
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        zip.write(Files.readAllBytes(npy));
        zip.closeEntry();
      }
    }
    return file;
  }

  private static INDArray rows(INDArray a, int from, int to) {
    return a.get(
            org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
            org.nd4j.linalg.indexing.NDArrayIndex.all())
        .dup('c');
  }

  private static INDArray column(float[] values, int from, int to) {
    return org.nd4j.linalg.factory.Nd4j.create(
        Arrays.copyOfRange(values, from, to), new long[] {to - from, 1}, 'c');
  }

  @Test
  void eitherOutputsHeadIsReplacedOnArraysNamedAsTheInputs() throws Exception {
    Path h5 = SharedModels.require(WIDE_DEEP);
    INDArray wide = RealKerasFilesTest.fixedInput(new long[] {5}, TRAIN + TEST, 21);
    INDArray deep = RealKerasFilesTest.fixedInput(new long[] {6}, TRAIN + TEST, 22);
    List<float[]> numpy = KerasWriterTest.pythonForward(h5, List.of(wide, deep), 2, tmp);
    Path wideTest = tmp.resolve("wide_test.npy");
    Path deepTest = tmp.resolve("deep_test.npy");
    Npy.write(wideTest, rows(wide, TRAIN, TRAIN + TEST).data().asFloat(), new long[] {TEST, 5});
    Npy.write(deepTest, rows(deep, TRAIN, TRAIN + TEST).data().asFloat(), new long[] {TEST, 6});

    Path onnx = tmp.resolve("wide_deep.onnx");
    assertEquals(0, Cli.run("convert", h5.toString(), onnx.toString()).exitCode());
    String[] outputs = {"main_output", "aux_output", "main_output"};
    for (int o = 0; o < 3; o++) {
      Path source = o < 2 ? h5 : onnx; // the Keras file, then its ONNX export
      NewTargets y = NewTargets.twicePlusOne(numpy.get(o % 2));
      Map<String, INDArray> arrays = new LinkedHashMap<>();
      arrays.put("wide_input", rows(wide, 0, TRAIN));
      arrays.put("deep_input", rows(deep, 0, TRAIN));
      arrays.put("y", column(y.y(), 0, TRAIN));
      arrays.put("wide_input_test", rows(wide, TRAIN, TRAIN + TEST));
      arrays.put("deep_input_test", rows(deep, TRAIN, TRAIN + TEST));
      arrays.put("y_test", column(y.y(), TRAIN, TRAIN + TEST));
      Path data = npz(outputs[o] + ".npz", arrays);
      Path tuned = tmp.resolve(o + outputs[o] + ".onnx");
      Cli r =
          Cli.run(
              "finetune",
              source.toString(),
              "--data",
              data.toString(),
              "--output",
              outputs[o],
              "--cache-dir",
              tmp.resolve("cache").toString(),
              "--out",
              tuned.toString(),
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(
          r.json().get("test_mse").asDouble() < 1e-6 * y.variance(), outputs[o] + ": " + r.out());
      assertEquals(TEST, r.json().get("n").asInt());
      assertEquals(outputs[o], r.json().get("record").get("output").asText());
      assertEquals(
          outputs[1 - o % 2], r.json().get("record").get("dropped_outputs").get(0).asText());

      // the main output reads both inputs; the auxiliary one only the deep input
      List<String> args =
          o != 1
              ? List.of("--input", wideTest.toString(), "--input", deepTest.toString())
              : List.of("--input", deepTest.toString());
      Path p = tmp.resolve("p" + o + ".npy");
      List<String> predict = new java.util.ArrayList<>(List.of("predict", tuned.toString()));
      predict.addAll(args);
      predict.addAll(List.of("--output", p.toString()));
      Cli pr = Cli.run(predict.toArray(String[]::new));
      assertEquals(0, pr.exitCode(), pr.err());
      float[] expected = Arrays.copyOfRange(y.y(), TRAIN, TRAIN + TEST);
      KerasWriterTest.assertClose(
          expected, Npy.read(p).data(), 1e-3 * Math.sqrt(y.variance()), outputs[o]);
    }
  }

  /**
   * Without --output a base with two outputs is refused naming them; an output it lacks, and arrays
   * that do not name its inputs, likewise; a .zip target is refused (the result is ONNX); nothing
   * is written.
   */
  @Test
  void whatSeveralInputsAndOutputsNeedIsSaid() throws Exception {
    Path h5 = SharedModels.require(WIDE_DEEP);
    INDArray wide = RealKerasFilesTest.fixedInput(new long[] {5}, 50, 1);
    INDArray deep = RealKerasFilesTest.fixedInput(new long[] {6}, 50, 2);
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    arrays.put("x", wide);
    arrays.put("deep_input", deep);
    arrays.put("y", rows(wide, 0, 50).getColumns(0).reshape(50, 1).dup('c'));
    Path data = npz("wd.npz", arrays);
    Path out = tmp.resolve("t.onnx");
    String[] base = {"finetune", h5.toString(), "--data", data.toString(), "--out", out.toString()};

    Cli noOutput = Cli.run(base);
    assertEquals(2, noOutput.exitCode(), noOutput.err());
    assertTrue(
        noOutput.err().contains("--output") && noOutput.err().contains("[main_output, aux_output]"),
        noOutput.err());

    Cli unknown = Cli.run(with(base, "--output", "aux"));
    assertEquals(2, unknown.exitCode(), unknown.err());
    assertTrue(unknown.err().contains("'aux' is not one of the model's outputs"), unknown.err());

    Cli unnamed = Cli.run(with(base, "--output", "main_output"));
    assertEquals(3, unnamed.exitCode(), unnamed.err());
    assertTrue(unnamed.err().contains("needs [wide_input, deep_input, y]"), unnamed.err());

    String[] zip = base.clone();
    zip[5] = tmp.resolve("t.zip").toString();
    Cli wrongKind = Cli.run(with(zip, "--output", "main_output"));
    assertEquals(2, wrongKind.exitCode(), wrongKind.err());
    assertTrue(wrongKind.err().contains("name a .onnx file"), wrongKind.err());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(tmp.resolve("t.zip")));
  }

  private static String[] with(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
