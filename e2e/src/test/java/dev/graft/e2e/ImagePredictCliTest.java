package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * graft predict on a folder of photos with a Teachable Machine model: its labels.txt names the
 * classes and selects Teachable Machine's preprocessing, one CSV row per image with the top class;
 * hidden files and non-images are skipped and counted; a corrupt image is one line, exit 3, no
 * output.
 */
class ImagePredictCliTest {
  @TempDir Path tmp;

  @Test
  void aFolderOfPhotosGetsOneRowPerImageWithClassNames() throws Exception {
    Path model = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    for (String cls : List.of("Dog", "Cat")) {
      try (Stream<Path> s = Files.list(model.resolveSibling("images").resolve(cls))) {
        for (Path p : s.sorted().limit(4).toList()) {
          Files.copy(p, photos.resolve(cls.toLowerCase() + "-" + p.getFileName()));
        }
      }
    }
    Files.writeString(photos.resolve("notes.txt"), "not an image");
    Files.writeString(photos.resolve(".DS_Store"), "hidden");
    Path csv = tmp.resolve("out.csv");
    Cli r =
        Cli.run(
            "predict",
            model.toString(),
            "--input",
            photos.toString(),
            "--output",
            csv.toString(),
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(8, r.json().get("n").asInt());
    assertEquals(2, r.json().get("skipped").asInt());
    assertEquals("crop+tf 224x224x3", r.json().get("preprocessing").asText());
    List<String> lines = Files.readAllLines(csv);
    assertEquals("file,top_class,top_probability,Dog,Cat", lines.get(0));
    assertEquals(9, lines.size());
    int right = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String truth = Path.of(f[0]).getFileName().toString().startsWith("dog") ? "Dog" : "Cat";
      right += f[1].equals(truth) ? 1 : 0;
    }
    // NumPy's pass on the same photos (RealKerasFilesTest): these 8 are all classified right
    assertTrue(right >= 7, right + " of 8 right");
  }

  @Test
  void aCorruptImageIsOneLineAndNoOutput() throws Exception {
    Path model = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    byte[] jpeg =
        Files.readAllBytes(model.resolveSibling("images").resolve("Dog").resolve("dog_28.jpg"));
    Files.write(photos.resolve("cut.jpg"), java.util.Arrays.copyOf(jpeg, 200));
    Path csv = tmp.resolve("out.csv");
    Cli r =
        Cli.run(
            "predict", model.toString(), "--input", photos.toString(), "--output", csv.toString());
    assertEquals(3, r.exitCode(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("cut.jpg"), r.err());
    assertFalse(Files.exists(csv));
  }
}
