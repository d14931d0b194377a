package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * graft eval's report on the chapter's model A (8 classes): the per-class supports are the test
 * set's 1,000 images per class, the confusion matrix accounts for every image and its diagonal for
 * the accuracy, classes carry Fashion-MNIST's names, and --plot writes a PNG (nothing when the
 * command fails).
 */
class EvalReportTest {
  @TempDir Path tmp;

  @Test
  void perClassMetricsAndTheConfusionMatrixAccountForEveryImage() throws Exception {
    Path model = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    Path png = tmp.resolve("confusion.png");
    Cli r =
        Cli.run("eval", model.toString(), "--exclude", "5,6", "--json", "--plot", png.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = r.json();
    assertEquals(8000, j.get("n").asInt());
    JsonNode perClass = j.get("per_class");
    JsonNode confusion = j.get("confusion");
    assertEquals(8, perClass.size());
    assertEquals(8, confusion.size());
    assertEquals("T-shirt/top", perClass.get(0).get("class").asText());
    assertEquals("Ankle boot", perClass.get(7).get("class").asText());
    int total = 0;
    int diagonal = 0;
    for (int t = 0; t < 8; t++) {
      int row = 0;
      for (int p = 0; p < 8; p++) {
        row += confusion.get(t).get(p).asInt();
      }
      assertEquals(1000, row, "images of class " + t);
      assertEquals(1000, perClass.get(t).get("support").asInt());
      assertEquals(
          confusion.get(t).get(t).asInt() / 1000.0,
          perClass.get(t).get("recall").asDouble(),
          1e-12);
      total += row;
      diagonal += confusion.get(t).get(t).asInt();
    }
    assertEquals(8000, total);
    assertEquals(diagonal / 8000.0, j.get("accuracy").asDouble(), 1e-12);
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head, "a PNG");

    Path none = tmp.resolve("none.png");
    Cli bad = Cli.run("eval", tmp.resolve("missing.h5").toString(), "--plot", none.toString());
    assertEquals(3, bad.exitCode(), bad.err());
    assertTrue(Files.notExists(none), "no plot when eval fails");
  }
}
