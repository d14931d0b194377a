package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.SharedModels;
import dev.graft.data.Npy;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's own data may have more classes than Fashion-MNIST's ten: twelve classes of 28x28
 * images (each a bright square in its own place of a 4 x 3 grid, over noise) fine-tune on model A's
 * trunk and evaluate with twelve rows of per-class metrics.
 */
@Tag("acceptance") // a head trained to convergence on 480 images: about 15 s
class ManyClassesTest {
  @TempDir Path tmp;

  @Test
  void twelveClassesFineTuneAndEvaluate() {
    Path base = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    int k = 12;
    int per = 40;
    int n = k * per;
    Random r = new Random(12);
    float[] x = new float[n * 28 * 28];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int c = i % k;
      y[i] = c;
      int top = 2 + (c / 4) * 8;
      int left = 2 + (c % 4) * 6;
      for (int p = 0; p < 28 * 28; p++) {
        int row = p / 28;
        int col = p % 28;
        boolean on = row >= top && row < top + 6 && col >= left && col < left + 5;
        x[i * 784 + p] =
            (float) Math.min(1, Math.max(0, (on ? 0.9 : 0.1) + 0.1 * r.nextGaussian()));
      }
    }
    Path xs = tmp.resolve("x.npy");
    Path ys = tmp.resolve("y.npy");
    Npy.write(xs, x, new long[] {n, 28, 28});
    Npy.write(ys, y, new long[] {n});
    Path out = tmp.resolve("twelve.zip");
    Cli finetune =
        Cli.run(
            "finetune",
            base.toString(),
            "--data",
            xs + "," + ys,
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, finetune.exitCode(), finetune.err());
    double accuracy = finetune.json().get("test_accuracy").asDouble();
    assertTrue(accuracy >= 0.9, "12 separable classes: " + accuracy);
    Cli eval = Cli.run("eval", out.toString(), "--data", xs + "," + ys, "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    JsonNode perClass = eval.json().get("per_class");
    assertEquals(k, perClass.size(), perClass.toString());
    assertEquals(k, eval.json().get("confusion").size());
  }
}
