package dev.graft.spark.bench;

import dev.graft.data.Preprocessing;
import dev.graft.spark.ExampleSources;
import dev.graft.spark.ModelFile;
import dev.graft.spark.RunOptions;
import dev.graft.spark.ShippedModel;
import dev.graft.spark.SparkFeaturize;
import dev.graft.spark.SparkSessions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * Featurize throughput per Spark master, medians over runs taken in turn (so a noisy machine
 * disturbs every master alike), and the old generation's peak (local masters: the executors live in
 * this JVM, so a data set larger than the heap shows whether their memory stays flat). Run through
 * the launcher so the class path and JVM options are graft spark's:
 *
 * <pre>
 * GRAFT_SPARK_MAIN=dev.graft.spark.bench.FeaturizeBenchmark ./graft spark MODEL DATA_DIR \
 *     [RUNS [MASTERS [CUT]]]     (defaults: 3, local[1],local[2], below the last dense layer)
 * </pre>
 */
public final class FeaturizeBenchmark {
  private FeaturizeBenchmark() {}

  public static void main(String[] args) {
    Path model = Path.of(args[0]);
    String data = args[1];
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<String> masters =
        Arrays.asList((args.length > 3 ? args[3] : "local[1],local[2]").split(","));
    String cut = args.length > 4 ? args[4] : null;
    ModelFile base = ModelFile.read(model);
    Preprocessing pre =
        Preprocessing.forModel(
            model.toString(), base.exampleShape(), base.recorded(), "auto", "auto");
    Map<String, List<Double>> seconds = new TreeMap<>();
    int n = 0;
    for (int r = -1; r < runs; r++) { // run -1 warms the JIT up and is not counted
      for (String master : masters) {
        SparkSession spark = SparkSessions.open(master, "featurize benchmark");
        try {
          ExampleSources sources =
              ExampleSources.forTraining(
                  spark, data, null, base.exampleShape(), pre, base.recorded(), 0.2, 42);
          n = sources.examples().size();
          long t0 = System.nanoTime();
          long rows =
              SparkFeaturize.featurize(spark, base, cut, sources, null, RunOptions.defaults())
                  .rows()
                  .count();
          double s = (System.nanoTime() - t0) / 1e9;
          if (rows != n) {
            throw new IllegalStateException(rows + " rows featurized of " + n);
          }
          if (r >= 0) {
            seconds.computeIfAbsent(master, k -> new ArrayList<>()).add(s);
          }
          System.out.printf(
              "%s %-10s %7.2f s  %7.1f images/s%n",
              r < 0 ? "warm-up" : "run " + (r + 1), master, s, n / s);
        } finally {
          ShippedModel.closeAll();
          spark.stop();
        }
      }
    }
    System.out.printf("%s over %d images of %s, %d runs each (medians):%n", model, n, data, runs);
    double first = 0;
    for (String master : masters) {
      double m = median(seconds.get(master));
      first = first == 0 ? m : first;
      System.out.printf(
          "  %-10s %7.2f s  %7.1f images/s  speed-up %.2fx%n", master, m, n / m, first / m);
    }
    System.out.printf(
        "old generation's peak %d MiB (what outlived young collections), heap %d MiB (-Xmx)%n",
        oldGenerationPeak() >> 20, Runtime.getRuntime().maxMemory() >> 20);
  }

  private static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    return s.size() % 2 == 1
        ? s.get(s.size() / 2)
        : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  /**
   * The old generation's peak use since the JVM started: memory that a growing data set would pile
   * up shows here (young pools fill and empty with every batch whatever the data's size).
   */
  private static long oldGenerationPeak() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      String name = p.getName();
      if (p.getType() == MemoryType.HEAP && (name.contains("Old") || name.contains("Tenured"))) {
        peak = Math.max(peak, p.getPeakUsage().getUsed());
      }
    }
    return peak;
  }
}
