package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.keras3.KerasV3Importer;
import dev.graft.trainer.DenseSpec;
import dev.graft.trainer.DenseStack;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.Optimizer;
import dev.graft.trainer.Trainer;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras 3 archives: the third edition's model A on real data, and archives crafted to attack. */
class KerasV3Test {
  static final String MODEL_A = "keras3/my_model_A__keras-3.8.0.keras";

  @TempDir Path tmp;

  @Test
  void modelAScoresOnItsEightClasses() {
    Path model = SharedModels.require(MODEL_A);
    ChapterReuseTest.requireData();
    Cli r = Cli.run("eval", model.toString(), "--exclude", "0,2", "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.json().get("accuracy").asDouble() >= 0.89, r.out());
    assertEquals(8000, r.json().get("n").asInt());
  }

  @Test
  void exportedToOnnxComputesTheSame() {
    Network network = KerasV3Importer.importFile(SharedModels.require(MODEL_A));
    OnnxExportTest.assertSameOutputs(network, ExportOptions.defaults(), OnnxExportTest.images());
  }

  /**
   * Acceptance: B (pullover vs T-shirt) on A beats B from scratch with the same budget, median over
   * seeds 1..5.
   */
  @Test
  void pulloverVsTshirtOnABeatsScratch() {
    Path model = SharedModels.require(MODEL_A);
    ChapterReuseTest.requireData();
    TaskData b = TaskData.of(FashionMnist.load(null), Task.preset("pullover-vs-tshirt"));
    double[] onA = new double[5];
    double[] scratch = new double[5];
    for (int seed = 1; seed <= 5; seed++) {
      Cli r =
          Cli.run(
              "finetune",
              model.toString(),
              "--task",
              "pullover-vs-tshirt",
              "--seed",
              String.valueOf(seed),
              "--out",
              tmp.resolve("b" + seed + ".zip").toString(),
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      onA[seed - 1] = r.json().get("test_accuracy").asDouble();
      List<DenseSpec> hidden =
          List.of(
              new DenseSpec(100, "relu"), new DenseSpec(100, "relu"), new DenseSpec(100, "relu"));
      Network fromScratch =
          DenseStack.build(
              "b", 784, hidden, new DenseSpec(1, "sigmoid"), Optimizer.sgd(1e-3), seed);
      Trainer.train(fromScratch, b, 20, 32, seed, TrainingListener.NONE);
      scratch[seed - 1] = Evaluator.evaluate(fromScratch, b.test()).accuracy();
    }
    System.out.printf(
        "pullover vs T-shirt: B on A %s median %.4f; from scratch %s median %.4f%n",
        Arrays.toString(onA),
        ChapterReuseTest.median(onA),
        Arrays.toString(scratch),
        ChapterReuseTest.median(scratch));
    assertTrue(ChapterReuseTest.median(onA) > ChapterReuseTest.median(scratch));
  }

  @Test
  void customLayerIsRefusedByName() {
    Path custom = SharedModels.require("keras3/custom_layer_model__keras-3.7.0.keras");
    Cli r = Cli.run("inspect", custom.toString());
    assertEquals(3, r.exitCode());
    assertTrue(r.err().contains("ResidualRegressor") && r.err().contains("refused"), r.err());
  }

  /** Rewrites the real archive with one entry replaced or added. */
  private Path craft(String name, String entry, byte[] content, boolean replaceConfig)
      throws IOException {
    Path source = SharedModels.require(MODEL_A);
    Path out = tmp.resolve(name + ".keras");
    try (ZipFile in = new ZipFile(source.toFile());
        ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        if (replaceConfig && e.getName().equals(entry)) {
          continue;
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        in.getInputStream(e).transferTo(zip);
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry(entry));
      zip.write(content);
      zip.closeEntry();
    }
    return out;
  }

  private String config() throws IOException {
    try (ZipFile in = new ZipFile(SharedModels.require(MODEL_A).toFile())) {
      return new String(
          in.getInputStream(in.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void assertRefused(Path archive, String fragment) {
    GraftException e = assertThrows(GraftException.class, () -> ModelLoader.load(archive));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void hostileArchivesAreRefused() throws IOException {
    assertRefused(craft("dotdot", "../../evil.txt", "x".getBytes(), false), "points outside");
    assertRefused(craft("absolute", "/etc/evil", "x".getBytes(), false), "points outside");
    // java.util.zip will not write a duplicate name: write "config.jsoN", then patch the bytes.
    Path dup = craft("duplicate", "config.jsoN", "{}".getBytes(), false);
    String latin =
        new String(Files.readAllBytes(dup), StandardCharsets.ISO_8859_1)
            .replace("config.jsoN", "config.json");
    Files.write(dup, latin.getBytes(StandardCharsets.ISO_8859_1));
    assertRefused(dup, "appears twice");
    byte[] bomb = new byte[40 << 20];
    Arrays.fill(bomb, (byte) ' ');
    assertRefused(craft("bomb", "config.json", bomb, true), "inflates to more than");
    String lambda = config().replace("\"class_name\": \"Flatten\"", "\"class_name\": \"Lambda\"");
    assertRefused(
        craft("lambda", "config.json", lambda.getBytes(StandardCharsets.UTF_8), true), "Lambda");
    String main =
        config()
            .replace(
                "\"module\": \"keras.layers\", \"class_name\": \"Dense\"",
                "\"module\": \"__main__\", \"class_name\": \"Dense\"");
    assertRefused(
        craft("main", "config.json", main.getBytes(StandardCharsets.UTF_8), true),
        "custom class 'Dense'");
    String fn =
        config()
            .replaceFirst(
                "\"activation\": \"relu\"",
                "\"activation\": {\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"my_act\", \"registered_name\": \"function\"}");
    assertRefused(
        craft("function", "config.json", fn.getBytes(StandardCharsets.UTF_8), true), "Python code");
    assertTrue(
        Files.notExists(tmp.resolve("evil.txt"))
            && Files.notExists(tmp.getParent().resolve("evil.txt")));
  }

  @Test
  void mismatchedWeightsAreRefused() throws IOException {
    String wider = config().replaceFirst("\"units\": 100", "\"units\": 101");
    assertRefused(
        craft("wider", "config.json", wider.getBytes(StandardCharsets.UTF_8), true),
        "expected [784, 101]");
    assertRefused(
        craft("noweights", "model.weights.h5", "not hdf5".getBytes(), true), "model.weights.h5");
  }

  @Test
  void truncatedArchiveIsBadInput() throws IOException {
    byte[] bytes = Files.readAllBytes(SharedModels.require(MODEL_A));
    Path cut = tmp.resolve("cut.keras");
    try (OutputStream out = Files.newOutputStream(cut)) {
      out.write(bytes, 0, bytes.length / 2);
    }
    Cli r = Cli.run("inspect", cut.toString());
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("cut.keras"), r.err());
  }
}
