package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages: 2 usage, 3 bad or unsupported input, one line, no stack trace. */
class CliErrorsTest {
  @TempDir Path tmp;

  private static void assertOneLineError(Cli r, int code, String fragment) {
    assertEquals(code, r.exitCode(), "stderr: " + r.err());
    String err = r.err().strip();
    assertTrue(err.startsWith("graft: ") || code == 2, err);
    assertTrue(err.contains(fragment), err);
    assertFalse(err.contains("\tat "), "no stack trace without --verbose: " + err);
  }

  @Test
  void missingModelIsBadInput() {
    Cli r = Cli.run("inspect", tmp.resolve("nope.h5").toString());
    assertOneLineError(r, 3, "no such file");
    assertEquals(1, r.err().strip().lines().count());
  }

  @Test
  void garbageModelIsBadInputAndWritesNothing() throws IOException {
    Path junk = Files.writeString(tmp.resolve("junk.h5"), "definitely not HDF5");
    Path out = tmp.resolve("out.zip");
    Cli r =
        Cli.run("finetune", junk.toString(), "--task", "shirt-vs-sandal", "--out", out.toString());
    assertOneLineError(r, 3, "junk.h5");
    assertFalse(Files.exists(out));
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count(), "only the input is left in the folder");
    }
  }

  @Test
  void truncatedKerasFileIsBadInput() throws IOException {
    Path real = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    byte[] bytes = Files.readAllBytes(real);
    Path cut = tmp.resolve("cut.h5");
    Files.write(cut, java.util.Arrays.copyOf(bytes, 4096));
    assertOneLineError(Cli.run("inspect", cut.toString()), 3, "cut.h5");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, Cli.run("finetune").exitCode());
    assertEquals(2, Cli.run("inspect", "--no-such-option", "x.h5").exitCode());
    Path model = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    assertOneLineError(
        Cli.run("finetune", model.toString(), "--task", "no-such-task"), 2, "known tasks");
    assertOneLineError(
        Cli.run("finetune", model.toString(), "--task", "shirt-vs-sandal", "--lr", "-1"),
        2,
        "learning rate");
    assertOneLineError(
        Cli.run("finetune", model.toString(), "--task", "shirt-vs-sandal", "--freeze", "dense_99"),
        2,
        "matches no layer");
    assertOneLineError(
        Cli.run("eval", model.toString(), "--classes", "5,6", "--positive", "3"), 2, "--positive");
  }

  /**
   * An output graft cannot write, or whose name picks no format, is refused before any training.
   */
  @Test
  void badOutputIsRefusedBeforeTraining() throws IOException {
    Path model = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    Path work = Files.createDirectory(tmp.resolve("work"));
    String[][] refusals = {
      {
        "finetune",
        model.toString(),
        "--task",
        "shirt-vs-sandal",
        "--out",
        work.resolve("b.txt").toString()
      },
      {
        "finetune",
        model.toString(),
        "--task",
        "shirt-vs-sandal",
        "--out",
        work.resolve("missing/b.zip").toString()
      },
      {"finetune", model.toString(), "--task", "shirt-vs-sandal", "--out", work.toString()},
      {
        "train",
        "../samples/specs/elu_he_nadam.json",
        "--exclude",
        "5,6",
        "--out",
        work.resolve("e.onnx.bak").toString()
      },
      {"convert", model.toString(), work.resolve("missing/a.onnx").toString()}
    };
    for (String[] args : refusals) {
      long start = System.nanoTime();
      Cli r = Cli.run(args);
      assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
      assertTrue(
          (System.nanoTime() - start) / 1e9 < 30,
          "refused up front, not after training: " + String.join(" ", args));
    }
    try (var files = Files.list(work)) {
      assertEquals(0, files.count(), "nothing written, no folder created");
    }
  }

  /**
   * finetune's output format follows --out's extension: an .onnx name gives an ONNX file, not a
   * zip.
   */
  @Test
  void finetuneWritesTheFormatItsOutputNames() throws IOException {
    Path model = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    Path onnx = tmp.resolve("b_on_a.onnx");
    Cli r =
        Cli.run(
            "finetune",
            model.toString(),
            "--task",
            "shirt-vs-sandal",
            "--freeze-epochs",
            "1",
            "--epochs",
            "1",
            "--out",
            onnx.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(
        dev.graft.converter.ModelFormat.ONNX, dev.graft.converter.ModelFormat.detect(onnx));
    assertTrue(Files.exists(tmp.resolve("b_on_a.json")), "the record beside it");
    Cli eval = Cli.run("eval", onnx.toString(), "--task", "shirt-vs-sandal", "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(eval.json().get("accuracy").asDouble() > 0.8, eval.out());
  }

  @Test
  void verboseShowsTheStackTrace() {
    Cli r = Cli.run("inspect", tmp.resolve("nope.h5").toString(), "--verbose");
    assertEquals(3, r.exitCode());
    assertTrue(r.err().contains("\tat "), r.err());
  }
}
