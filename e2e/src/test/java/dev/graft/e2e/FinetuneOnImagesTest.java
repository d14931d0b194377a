package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * graft finetune --data DIR on a folder of the user's own images (one folder per class, here bright
 * and dark noise images of another size, in colour, as PNG and JPEG) with a real Keras CNN base
 * (28x28 grey, batch normalization): the images are resized and converted to the base's input, the
 * new head learns the two classes, and the class names and the preprocessing travel with the saved
 * model, so predict reports by name.
 */
class FinetuneOnImagesTest {
  @TempDir Path tmp;

  /** Two classes of 20 noisy grey images (PNG and JPEG), bright and dark. */
  private Path brightAndDark() throws Exception {
    Path data = tmp.resolve("images");
    Random random = new Random(3);
    for (String cls : List.of("bright", "dark")) {
      Path dir = Files.createDirectories(data.resolve(cls));
      for (int i = 0; i < 20; i++) {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
          for (int x = 0; x < 40; x++) {
            int v = cls.equals("bright") ? 150 + random.nextInt(106) : random.nextInt(100);
            img.setRGB(x, y, (v << 16) | (v << 8) | v);
          }
        }
        String format = i % 2 == 0 ? "png" : "jpg";
        ImageIO.write(img, format, dir.resolve(cls + i + "." + format).toFile());
      }
    }
    return data;
  }

  /**
   * A truncated photo among the images: one line naming it, exit 3, nothing written; with
   * --skip-bad it is left out and counted.
   */
  @Test
  void aTruncatedImageIsNamedOrSkippedAndCounted() throws Exception {
    Path base = SharedModels.require("keras3-h5/mnist-cnn-batchnorm-gap__keras-3.8.0.h5");
    Path data = brightAndDark();
    byte[] jpeg = Files.readAllBytes(data.resolve("dark").resolve("dark1.jpg"));
    Path cut = data.resolve("dark").resolve("dark99.jpg");
    Files.write(cut, java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
    Path out = tmp.resolve("never.zip");
    String[] args = {
      "finetune", base.toString(), "--data", data.toString(), "--out", out.toString(), "--json"
    };
    Cli refused = Cli.run(args);
    assertEquals(3, refused.exitCode(), refused.err());
    assertTrue(
        refused.err().contains("dark99.jpg") && refused.err().contains("truncated"), refused.err());
    assertTrue(Files.notExists(out));
    String[] skipping = java.util.Arrays.copyOf(args, args.length + 1);
    skipping[args.length] = "--skip-bad";
    Cli r = Cli.run(skipping);
    assertEquals(0, r.exitCode(), r.err());
    var folder = r.json().get("record").get("image_folder");
    assertEquals(1, folder.get("unreadable_images_skipped").asInt());
    assertEquals(40, folder.get("train").asInt() + folder.get("validation").asInt());
  }

  @Test
  void aFolderPerClassFineTunesAndTheNamesTravel() throws Exception {
    Path base = SharedModels.require("keras3-h5/mnist-cnn-batchnorm-gap__keras-3.8.0.h5");
    Path data = brightAndDark();
    Path out = tmp.resolve("tuned.zip");
    Cli r =
        Cli.run(
            "finetune",
            base.toString(),
            "--data",
            data.toString(),
            // the chapter's defaults (SGD, 1e-3) take many more steps than 32 images give
            "--optimizer",
            "adam",
            "--lr",
            "0.01",
            "--batch-size",
            "8",
            "--freeze-epochs",
            "10",
            "--epochs",
            "0",
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.json().get("test_accuracy").asDouble() >= 0.875, r.json().toString());
    var folder = r.json().get("record").get("image_folder");
    assertEquals(32, folder.get("train").asInt());
    assertEquals(8, folder.get("validation").asInt());
    assertEquals("stretch+unit 28x28x1", folder.get("preprocessing").asText());

    Network tuned = ModelLoader.load(out);
    assertEquals(List.of("bright", "dark"), tuned.classNames());
    assertEquals("stretch+unit", tuned.preprocessing());
    Path csv = tmp.resolve("p.csv");
    Cli p =
        Cli.run("predict", out.toString(), "--input", data.toString(), "--output", csv.toString());
    assertEquals(0, p.exitCode(), p.err());
    List<String> lines = Files.readAllLines(csv);
    assertEquals("file,top_class,top_probability,bright,dark", lines.get(0));
    int right = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      right += Path.of(f[0]).getParent().getFileName().toString().equals(f[1]) ? 1 : 0;
    }
    assertTrue(right >= 36, right + " of 40 right");
  }

  /**
   * issue 15 item 6: the Teachable Machine dog-cat model fine-tuned on its authors' photos with no
   * flag at all. The chapter's recipe (SGD 1e-3, 4+16 epochs through the whole MobileNetV2 in DL4J)
   * left it at chance and took about a minute per epoch; by default the new head now trains to
   * convergence on the trunk's cached activations (the trunk runs once, in ONNX Runtime).
   */
  @Test
  @Tag("acceptance") // runs MobileNetV2 over 60 photos twice
  void teachableMachineWithDefaultFlagsLearnsItsPhotos() {
    Path model = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path images = model.resolveSibling("images");
    Path out = tmp.resolve("mine.zip");
    Cli r =
        Cli.run(
            "finetune",
            model.toString(),
            "--data",
            images.toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("trains to convergence"), r.err());
    int epochs = r.json().get("epochs").asInt();
    assertTrue(epochs > 10 && epochs < 200, "stopped early after " + epochs + " epochs");
    Cli eval = Cli.run("eval", out.toString(), "--data", images.toString(), "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    double accuracy = eval.json().get("accuracy").asDouble();
    assertTrue(accuracy >= 0.85, "accuracy on the 60 photos " + accuracy);
  }
}
