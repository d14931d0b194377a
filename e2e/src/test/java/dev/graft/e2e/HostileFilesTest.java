package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.Npy;
import dev.graft.runtime.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed corpus of crafted files (scripts/make_hostile_corpus.py), one per known attack on
 * model files: each is refused by every command that reads it, with a message naming the problem,
 * and nothing is written anywhere, neither beside it nor where its payload points.
 */
class HostileFilesTest {
  /** Where the payloads would leave traces if anything in them were followed or run. */
  private static final List<Path> TRACES =
      List.of(Path.of("/tmp/graft-pwned"), Path.of("/tmp/graft-absolute.txt"));

  @TempDir Path tmp;

  static Stream<Arguments> corpus() {
    return Stream.of(
        Arguments.of("keras2_lambda.h5", "Lambda"),
        Arguments.of("keras2_huge_tensor.h5", "more than graft accepts"),
        Arguments.of("keras2_renamed_input_hang.h5", "calls itself"),
        Arguments.of("keras3_lambda.keras", "Lambda"),
        Arguments.of("keras3_module_os.keras", "'os'"),
        Arguments.of("keras3_keras_utils_get_file.keras", "get_file"),
        Arguments.of("keras3_custom_class.keras", "my_package"),
        Arguments.of("keras3_huge_tensor.keras", "more than graft accepts"),
        Arguments.of("keras3_dotdot.keras", "points outside the archive"),
        Arguments.of("keras3_absolute.keras", "points outside the archive"),
        Arguments.of("keras3_symlink_entry.keras", "symbolic link"),
        Arguments.of("keras3_duplicate_entry.keras", "appears twice"),
        Arguments.of("keras3_zip_bomb.keras", "inflates to more than"),
        Arguments.of("onnx_external_dotdot.onnx", "outside the model's folder"),
        Arguments.of("onnx_external_absolute.onnx", "absolute path"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void refusedByEveryReader(String name, String fragment) throws IOException {
    Path folder = Files.createDirectories(tmp.resolve("models"));
    assertRefusedByEveryReader(copy(name, folder), fragment, tmp);
  }

  /**
   * Every command that reads a model refuses {@code model} (alone in its folder) with exit 3 and a
   * message holding {@code fragment}, and writes nothing beside it or where a payload points.
   */
  static void assertRefusedByEveryReader(Path model, String fragment, Path tmp) throws IOException {
    Path folder = model.getParent();
    Path x = tmp.resolve("x.npy");
    Npy.write(x, new float[4], new long[] {1, 4});
    List<List<String>> commands =
        List.of(
            List.of("inspect", model.toString()),
            List.of("inspect", "--check", model.toString()),
            List.of("eval", model.toString(), "--task", "all"),
            List.of(
                "predict",
                model.toString(),
                "--input",
                x.toString(),
                "--output",
                folder.resolve("y.npy").toString()),
            List.of("convert", model.toString(), folder.resolve("out.onnx").toString()),
            List.of(
                "finetune",
                model.toString(),
                "--task",
                "shirt-vs-sandal",
                "--out",
                folder.resolve("b.zip").toString()));
    for (List<String> args : commands) {
      Cli r = Cli.run(args.toArray(String[]::new));
      String what = String.join(" ", args.subList(0, args.size() - 1)) + ": " + r.err() + r.out();
      assertEquals(3, r.exitCode(), what);
      assertTrue(
          (r.err() + r.out()).contains(fragment), "names the problem (" + fragment + "): " + what);
      assertFalse(r.err().contains("\tat "), "no stack trace: " + what);
      try (Stream<Path> files = Files.list(folder)) {
        assertEquals(List.of(model), files.toList(), "nothing written beside the model: " + what);
      }
    }
    TRACES.forEach(t -> assertFalse(Files.exists(t), t + " exists"));
    assertFalse(Files.exists(tmp.resolve("graft-escaped.txt")));
    assertFalse(Files.exists(tmp.getParent().resolve("graft-escaped.txt")));
  }

  @Test
  void theCorpusBaseIsValidSoRefusalsComeFromThePayloads() throws IOException {
    Path model = copy("keras3_valid_tiny.keras", tmp);
    Cli check = Cli.run("inspect", "--check", model.toString());
    assertEquals(0, check.exitCode(), check.err() + check.out());
    Cli inspect = Cli.run("inspect", model.toString());
    assertEquals(0, inspect.exitCode(), inspect.err());
  }

  @Test
  void externalDataThroughASymbolicLinkIsRefused() throws IOException {
    Path secret = Files.write(tmp.resolve("secret.bin"), floats(1, 2, 3, 4));
    Path folder = Files.createDirectories(tmp.resolve("model"));
    Path model = copy("onnx_external_beside.onnx", folder);
    Files.createSymbolicLink(folder.resolve("weights.bin"), secret);
    GraftException e = assertThrows(GraftException.class, () -> OnnxModel.load(model));
    assertTrue(e.getMessage().contains("is a link to"), e.getMessage());
    Cli check = Cli.run("inspect", "--check", model.toString());
    assertEquals(3, check.exitCode());
    assertTrue(check.out().contains("is a link to"), check.out());
  }

  @Test
  void externalDataInsideTheFolderIsRead() throws IOException {
    // The control for the refusals above: a legitimate data file beside the model loads, and
    // ONNX Runtime uses its values (y = x + w).
    Path folder = Files.createDirectories(tmp.resolve("model"));
    Path model = copy("onnx_external_beside.onnx", folder);
    Files.write(folder.resolve("weights.bin"), floats(1, 2, 3, 4));
    try (OnnxModel m = OnnxModel.load(model)) {
      assertArrayEquals(new float[] {11, 12, 13, 14}, m.predict(new float[] {10, 10, 10, 10}, 1));
    }
  }

  @Test
  void inMemoryModelsWithExternalDataAreRefused() throws IOException {
    byte[] bytes = Files.readAllBytes(copy("onnx_external_beside.onnx", tmp));
    GraftException e =
        assertThrows(
            GraftException.class,
            () -> OnnxModel.load(bytes, dev.graft.runtime.ModelOptions.builder().build()));
    assertTrue(e.getMessage().contains("external data"), e.getMessage());
  }

  @AfterAll
  static void noPayloadRan() {
    TRACES.forEach(t -> assertFalse(Files.exists(t), t + " exists"));
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static Path copy(String name, Path folder) throws IOException {
    try (InputStream in = HostileFilesTest.class.getResourceAsStream("/hostile/" + name)) {
      if (in == null) {
        throw new IOException("test resource /hostile/" + name + " missing");
      }
      Path target = folder.resolve(name);
      Files.copy(in, target);
      return target;
    }
  }
}
