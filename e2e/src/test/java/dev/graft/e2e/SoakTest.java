package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.trainer.TrainOptions;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.TrainingLoop;
import dev.graft.trainer.data.TaskData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many short trainings, in one JVM and in many, with the fast path on: each ends normally (no
 * native crash, no hs_err file) and the same seed gives the same weights every time. Written after
 * `graft train` died once in four runs with SIGSEGV in ND4J's native library.
 */
@Tag("acceptance") // long training or many runs: the acceptance tier (docs/testing.md)
class SoakTest {
  @TempDir Path tmp;

  @Test
  void manyTrainingsInOneJvmGiveTheSameWeights() {
    TaskData data = TrainingLoopTest.data();
    float[] first = null;
    for (int run = 0; run < 20; run++) {
      var r =
          TrainingLoop.train(
              TrainingLoopTest.spec(),
              data,
              new TrainOptions(1, 32, 0, null, 0, false),
              TrainingListener.NONE);
      float[] weights = r.network().model().params().dup().data().asFloat();
      if (first == null) {
        first = weights;
      } else {
        assertArrayEquals(first, weights, "run " + run + " differs from run 0");
      }
    }
  }

  /**
   * graft train in child JVMs with the launcher's settings for train (pointer GC on, 2 GB heap).
   */
  @Test
  void graftTrainInManyJvmsEndsNormally() throws Exception {
    TrainingLoopTest.data();
    Path spec = Path.of("..", "samples", "specs", "elu_dropout.json").toAbsolutePath();
    List<String> results = new ArrayList<>();
    for (int run = 0; run < 6; run++) {
      Path out = tmp.resolve("run" + run + ".zip");
      ProcessBuilder pb =
          GraftJvm.builder(
              List.of("-Xmx2g", "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log")),
              "dev.graft.cli.Graft",
              "train",
              spec.toString(),
              "--exclude",
              "5,6",
              "--epochs",
              "1",
              "--json",
              "--out",
              out.toString());
      pb.directory(tmp.toFile());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "run " + run + " hung");
      assertEquals(0, p.exitValue(), "run " + run + ":\n" + output);
      results.add(
          new ObjectMapper()
              .readTree(output.substring(output.indexOf('{')))
              .get("test_accuracy")
              .asText());
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(
          List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
    }
    assertEquals(1, results.stream().distinct().count(), "same seed, same result: " + results);
  }
}
