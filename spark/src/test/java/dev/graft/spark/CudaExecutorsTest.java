package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors' sessions on the GPU: with GRAFT_TEST_CUDA=1 (a -Pcuda build on a machine with CUDA),
 * predictions on cuda equal the CPU's; without it, asking for cuda on a CPU build is one clear
 * error and no output.
 */
@Tag("acceptance") // a Spark session: about 10 s
class CudaExecutorsTest {
  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Path model;
  private static Path input;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSessions.open("local[2]", "CudaExecutorsTest");
    Random r = new Random(4);
    model = SoftmaxModels.write(tmp.resolve("m.onnx"), 5, 3, r);
    float[] x = SoftmaxModels.gaussian(100 * 5, r);
    input = tmp.resolve("x.npy");
    Npy.write(input, x, new long[] {100, 5});
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "GRAFT_TEST_CUDA", matches = "1")
  void cudaExecutorsPredictAsTheCpuDoes() {
    Path cpu = tmp.resolve("cpu.npy");
    Path cuda = tmp.resolve("cuda.npy");
    SparkPredict.run(
        spark,
        ModelFile.read(model),
        input.toString(),
        cpu.toString(),
        "auto",
        "auto",
        new RunOptions(16, false, "cpu"));
    SparkPredict.run(
        spark,
        ModelFile.read(model),
        input.toString(),
        cuda.toString(),
        "auto",
        "auto",
        new RunOptions(16, false, "cuda"));
    assertArrayEquals(Npy.read(cpu).data(), Npy.read(cuda).data(), 1e-4f);
  }

  @Test
  @DisabledIfEnvironmentVariable(named = "GRAFT_TEST_CUDA", matches = "1")
  void cudaOnACpuBuildIsOneClearErrorAndNoOutput() {
    Path out = tmp.resolve("none.npy");
    GraftException e =
        assertThrows(
            GraftException.class,
            () ->
                SparkPredict.run(
                    spark,
                    ModelFile.read(model),
                    input.toString(),
                    out.toString(),
                    "auto",
                    "auto",
                    new RunOptions(16, false, "cuda")));
    assertTrue(e.getMessage().contains("no CUDA execution provider"), e.getMessage());
    assertFalse(Files.exists(out));
  }
}
