package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders stream: decoded a few batches at a time on a bounded pool, laid out as the model
 * takes them, through the frozen trunk once into the activation cache, which is keyed by the
 * images' content (a copied folder hits it, an edited image misses) and remembers which images it
 * left out.
 */
class StreamedImagesTest {
  @TempDir Path tmp;

  /** {@code perClass} random RGB images of {@code size} per class, tinted by class. */
  private Path tinted(String name, List<String> classes, int perClass, int size, long seed)
      throws Exception {
    Path data = tmp.resolve(name);
    Random random = new Random(seed);
    for (int k = 0; k < classes.size(); k++) {
      Path dir = Files.createDirectories(data.resolve(classes.get(k)));
      for (int i = 0; i < perClass; i++) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            int r = random.nextInt(256);
            int g = random.nextInt(256);
            int b = random.nextInt(256);
            if (k == 0) {
              r = 128 + r / 2; // warm
            } else if (k == 1) {
              b = 128 + b / 2; // cool
            }
            img.setRGB(x, y, (r << 16) | (g << 8) | b);
          }
        }
        ImageIO.write(
            img, "png", dir.resolve(String.format("%s%04d.png", classes.get(k), i)).toFile());
      }
    }
    return data;
  }

  /**
   * A PyTorch model (channels-first, [3, 16, 16]) on a folder of images: graft predict, eval and
   * finetune give it [channels, height, width] examples. Oracle: PIL decodes the same files
   * (scripts/tm_images.py, x/255, transposed to NCHW by NumPy) and ONNX Runtime runs the model on
   * that array; graft's probabilities match within 1e-5, and eval's accuracy and cross-entropy are
   * those of the oracle's probabilities. (Before, eval and finetune fed such models channels-last
   * pixels without a word.)
   */
  @Test
  void channelsFirstModelsGetChannelsFirstImages() throws Exception {
    Path model = TestResources.copy(tmp, "onnx", "cnn_depthwise_op17.onnx");
    Path images = tinted("images", List.of("a", "b", "c", "d", "e"), 4, 16, 5);
    PilPhotos pil = PilPhotos.prepare(images, tmp, "16", "unit", "nchw");
    Npy.Array x = Npy.read(pil.pixels());
    assertArrayEquals(new long[] {20, 3, 16, 16}, x.shape());
    float[] oracle;
    try (OnnxModel m = OnnxModel.load(model, ModelOptions.defaults())) {
      oracle = m.predict(x.data(), 20);
    }

    Path p = tmp.resolve("p.npy");
    Cli predicted =
        Cli.run(
            "predict", model.toString(), "--input", images.toString(), "--output", p.toString());
    assertEquals(0, predicted.exitCode(), predicted.err());
    assertArrayEquals(oracle, Npy.read(p).data(), 1e-5f);

    Cli eval = Cli.run("eval", model.toString(), "--data", images.toString(), "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    List<String> folders = Files.readAllLines(pil.classes());
    int right = 0;
    double loss = 0;
    for (int i = 0; i < 20; i++) {
      int label = folders.get(i).charAt(0) - 'a';
      int best = 0;
      for (int c = 1; c < 5; c++) {
        best = oracle[i * 5 + c] > oracle[i * 5 + best] ? c : best;
      }
      right += best == label ? 1 : 0;
      loss -= Math.log(oracle[i * 5 + label]);
    }
    assertEquals(right / 20.0, eval.json().get("accuracy").asDouble(), 1e-9);
    assertEquals(loss / 20, eval.json().get("loss").asDouble(), 1e-5);

    // fine-tuned on a train/ and test/ folder: the test metrics finetune reports (the head on the
    // test images' activations) are those of the stitched model on the test images
    Path split = tmp.resolve("split");
    tinted("split/train", List.of("a", "b", "c", "d", "e"), 8, 16, 6);
    tinted("split/test", List.of("a", "b", "c", "d", "e"), 4, 16, 8);
    Path tuned = tmp.resolve("tuned.onnx");
    Cli finetune = finetune(model, split, tmp.resolve("cache"), tuned);
    assertEquals(0, finetune.exitCode(), finetune.err());
    Cli stitched = Cli.run("eval", tuned.toString(), "--data", split.toString(), "--json");
    assertEquals(0, stitched.exitCode(), stitched.err());
    assertEquals(20, stitched.json().get("n").asInt());
    assertEquals(
        finetune.json().get("test_accuracy").asDouble(),
        stitched.json().get("accuracy").asDouble(),
        1e-9);
    assertEquals(
        finetune.json().get("test_loss").asDouble(), stitched.json().get("loss").asDouble(), 1e-5);
  }

  private static Cli finetune(Path base, Path data, Path cache, Path out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "finetune",
                base.toString(),
                "--data",
                data.toString(),
                "--cache-dir",
                cache.toString(),
                "--out",
                out.toString(),
                "--json"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  /**
   * The cache names images by content: the same folder copied elsewhere trains from the cache (the
   * trunk never runs), with the same unreadable image left out and counted; without --skip-bad that
   * cached image is an error again, naming it; an edited image is a miss.
   */
  @Test
  void theCacheIsKeyedByContentAndRemembersLeftOutImages() throws Exception {
    Path base = SharedModels.require("keras3-h5/mnist-cnn-batchnorm-gap__keras-3.8.0.h5");
    Path data = tinted("images", List.of("warm", "cool"), 15, 20, 7);
    Path bad = data.resolve("cool").resolve("cool0099.png");
    byte[] png = Files.readAllBytes(data.resolve("cool").resolve("cool0001.png"));
    Files.write(bad, java.util.Arrays.copyOf(png, png.length / 2));
    Path cache = tmp.resolve("cache");

    Cli first = finetune(base, data, cache, tmp.resolve("first.zip"), "--skip-bad");
    assertEquals(0, first.exitCode(), first.err());
    assertFalse(first.json().get("cache_hits").asBoolean());
    JsonNode folder = first.json().get("record").get("image_folder");
    assertEquals(1, folder.get("unreadable_images_skipped").asInt());
    assertEquals(30, folder.get("train").asInt() + folder.get("validation").asInt());

    Path copy = tmp.resolve("elsewhere").resolve("renamed");
    FileUtils.copyDirectory(data.toFile(), copy.toFile());
    Cli second = finetune(base, copy, cache, tmp.resolve("second.zip"), "--skip-bad");
    assertEquals(0, second.exitCode(), second.err());
    assertTrue(second.json().get("cache_hits").asBoolean(), second.out());
    JsonNode again = second.json().get("record").get("image_folder");
    assertEquals(folder.get("unreadable_images_skipped"), again.get("unreadable_images_skipped"));
    assertEquals(folder.get("train"), again.get("train"));
    assertEquals(
        first.json().get("test_accuracy").asDouble(),
        second.json().get("test_accuracy").asDouble(),
        1e-9);
    assertEquals(
        first.json().get("test_loss").asDouble(), second.json().get("test_loss").asDouble(), 1e-6);

    Cli strict = finetune(base, copy, cache, tmp.resolve("strict.zip"));
    assertEquals(3, strict.exitCode(), strict.err());
    assertTrue(strict.err().contains("cool0099.png"), strict.err());
    assertFalse(Files.exists(tmp.resolve("strict.zip")));

    Files.write(copy.resolve("cool").resolve("cool0099.png"), png); // decodable now: a miss
    Cli edited = finetune(base, copy, cache, tmp.resolve("edited.zip"));
    assertEquals(0, edited.exitCode(), edited.err());
    assertFalse(edited.json().get("cache_hits").asBoolean());
    assertEquals(
        0,
        edited.json().get("record").get("image_folder").get("unreadable_images_skipped").asInt());
  }

  /**
   * A folder whose decoded images are larger than the JVM's heap (600 photos as Teachable Machine's
   * MobileNetV2 takes them: 224 x 224 x 3 floats, 360 MB; the heap is 192 MB) fine-tunes with
   * default flags: the images stream through the trunk once, and the head learns the two tints.
   * Holding every decoded image, as graft did, ends in OutOfMemoryError.
   */
  @Test
  @Tag("acceptance") // MobileNetV2 over 600 images
  void aFolderLargerThanTheHeapFineTunes() throws Exception {
    Path base = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path model = tmp.resolve("m").resolve("keras_model.h5");
    Files.createDirectories(model.getParent());
    Files.copy(base, model); // without its labels.txt: the folder's two classes, not the model's
    Path data = tinted("images", List.of("cool", "warm"), 300, 48, 11);
    Path out = tmp.resolve("tuned.onnx");
    ProcessBuilder pb =
        GraftJvm.builder(
            List.of("-Xmx192m", "-Dorg.bytedeco.javacpp.nopointergc=true"),
            "dev.graft.cli.Graft",
            "finetune",
            model.toString(),
            "--data",
            data.toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--out",
            out.toString(),
            "--json");
    Path log = tmp.resolve("stderr.txt");
    pb.redirectError(log.toFile());
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(15, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(log));
    JsonNode json = new ObjectMapper().readTree(stdout);
    assertEquals(480, json.get("record").get("image_folder").get("train").asInt());
    assertTrue(json.get("test_accuracy").asDouble() >= 0.95, stdout);
    assertTrue(Files.exists(out));
  }
}
