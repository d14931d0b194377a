package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors in JVMs of their own (Spark's local-cluster mode: a master and workers in this JVM,
 * each executor a separate java process started from SPARK_HOME/jars, which the test fills with
 * links to its class path): the model and the examples really cross process boundaries, every
 * executor opens one session however many tasks it runs, and the predictions equal ONNX Runtime's
 * in this process.
 */
@org.junit.jupiter.api.Tag("acceptance") // starts two executor JVMs: about 30 s
class LocalClusterTest {
  @TempDir Path tmp;

  @Test
  void twoExecutorJvmsOneSessionEachSamePredictions() throws Exception {
    Path home = Path.of(System.getenv().getOrDefault("SPARK_HOME", ""));
    assertTrue(
        home.isAbsolute(), "surefire sets SPARK_HOME to target/spark-home (see spark/pom.xml)");
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    List<String> dirs = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(p)) {
        dirs.add(p.toString()); // target/classes and test-classes
      } else if (p.toString().endsWith(".jar")) {
        Path link = jars.resolve(p.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, p);
        }
      }
    }
    Random r = new Random(11);
    int n = 500;
    int f = 6;
    Path model = SoftmaxModels.write(tmp.resolve("head.onnx"), f, 4, r);
    float[] x = SoftmaxModels.gaussian(n * f, r);
    Path input = tmp.resolve("x.npy");
    Npy.write(input, x, new long[] {n, f});
    Path output = tmp.resolve("y.npy");

    SparkSession spark =
        SparkSession.builder()
            .master("local-cluster[2,1,1024]")
            .appName("LocalClusterTest")
            .config("spark.executor.extraClassPath", String.join(File.pathSeparator, dirs))
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      SparkPredict.Result result =
          SparkPredict.run(
              spark,
              ModelFile.read(model),
              input.toString(),
              output.toString(),
              "auto",
              "auto",
              new RunOptions(16, false, "cpu"));
      assertEquals(n, result.n());
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      // after the job: which JVMs ran tasks, and how many sessions each opened
      List<String> seen =
          sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8)
              .map(i -> ProcessHandle.current().pid() + ":" + ShippedModel.sessionsOpened())
              .collect();
      Set<String> executors = new HashSet<>(seen);
      long driver = ProcessHandle.current().pid();
      for (String e : executors) {
        assertTrue(!e.startsWith(driver + ":"), "a task ran in the driver's JVM: " + seen);
        assertTrue(e.endsWith(":1"), "an executor opened other than one session: " + seen);
      }
      assertEquals(2, executors.size(), "two executor JVMs: " + seen);
    } finally {
      spark.stop();
    }
    float[] expected;
    try (OnnxModel m = OnnxModel.load(model, ModelOptions.defaults())) {
      expected = m.predict(x, n);
    }
    assertArrayEquals(expected, Npy.read(output).data(), 1e-6f);
  }
}
