package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * graft never trusts a model file's extension: a .keras that is HDF5 and an .h5 that is a Keras
 * archive import by their content, and the files people save by mistake (a Git LFS pointer, a web
 * page, JSON, a PyTorch checkpoint, a TFLite model, an empty file) get one line saying what they
 * are, exit code 3.
 */
class FileSniffingTest {
  @TempDir Path tmp;

  @Test
  void theContentDecidesNotTheExtension() throws IOException {
    Path h5 = SharedModels.require("keras3-h5/fashion-mnist-mlp-3dense__keras-3.10.0.h5");
    Path keras = SharedModels.require("keras3/my_model_A__keras-3.8.0.keras");
    Path h5AsKeras = Files.copy(h5, tmp.resolve("really-hdf5.keras"));
    Path kerasAsH5 = Files.copy(keras, tmp.resolve("really-an-archive.h5"));
    Cli a = Cli.run("inspect", h5AsKeras.toString());
    assertEquals(0, a.exitCode(), a.err());
    assertTrue(a.out().contains("Keras HDF5"), a.out());
    Cli b = Cli.run("inspect", kerasAsH5.toString());
    assertEquals(0, b.exitCode(), b.err());
    assertTrue(b.out().contains("Keras 3 archive"), b.out());
  }

  @ParameterizedTest
  @CsvSource({
    "lfs, model.h5, Git LFS pointer",
    "html, model.keras, HTML or XML page",
    "json, model.h5, JSON text",
    "tflite, model.h5, TensorFlow Lite model",
    "empty, model.onnx, an empty file",
    "html, model.onnx, HTML or XML page",
    "torch, model.zip, PyTorch checkpoint",
    "pickle, model.h5, Python pickle"
  })
  void filesSavedByMistakeAreNamed(String kind, String name, String fragment) throws IOException {
    Path file = tmp.resolve(name);
    switch (kind) {
      case "lfs" ->
          Files.writeString(
              file,
              "version https://git-lfs.github.com/spec/v1\n"
                  + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                  + "size 12345\n");
      case "html" ->
          Files.writeString(
              file, "\n<!DOCTYPE html>\n<html><head><title>model.h5 at main</title></head>");
      case "json" -> Files.writeString(file, "{\"class_name\": \"Sequential\", \"config\": {}}");
      case "tflite" ->
          Files.write(file, new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', 0, 0, 0, 0});
      case "empty" -> Files.write(file, new byte[0]);
      case "pickle" -> Files.write(file, new byte[] {(byte) 0x80, 4, (byte) 0x95, 0, 0, 0});
      case "torch" -> {
        try (OutputStream out = Files.newOutputStream(file);
            ZipOutputStream zip = new ZipOutputStream(out)) {
          zip.putNextEntry(new ZipEntry("archive/data.pkl"));
          zip.write("not really".getBytes(StandardCharsets.UTF_8));
          zip.closeEntry();
        }
      }
      default -> throw new IllegalArgumentException(kind);
    }
    Cli r = Cli.run("inspect", file.toString());
    assertEquals(3, r.exitCode(), r.err());
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains(fragment), err);
    assertFalse(err.contains("\tat "), err);
  }
}
