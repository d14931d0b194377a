package dev.graft.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.spark.RunOptions;
import dev.graft.spark.ShippedModel;
import dev.graft.spark.SparkSessions;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The options every {@code graft spark} command takes, and its session's life. */
final class SparkOptions {
  static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "Spark master: local[N], spark://HOST:PORT, yarn, k8s://... (default: what spark-submit"
              + " set, else local[*]).")
  String master;

  @Option(
      names = "--batch-size",
      defaultValue = "64",
      description = "Examples per ONNX Runtime call on an executor (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--skip-bad",
      description = "Leave unreadable images out and count them, instead of stopping at the first.")
  boolean skipBad;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description =
          "The executors' ONNX Runtime device: cpu, cuda[:ID] (a build with -Pcuda on executors"
              + " with GPUs) or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--verbose", description = "Show stack traces of errors.")
  boolean verbose;

  /** Runs {@code job} in a session that is stopped afterwards, however the job ends. */
  <T> T inSession(String name, Function<SparkSession, T> job) {
    run(); // options checked before Spark starts
    SparkSession spark = SparkSessions.open(master, "graft spark " + name);
    try {
      return job.apply(spark);
    } finally {
      SparkSessions.close(spark);
      ShippedModel.closeAll();
    }
  }

  RunOptions run() {
    if (batchSize < 1) {
      throw GraftException.usage("--batch-size must be at least 1");
    }
    return new RunOptions(batchSize, skipBad, device);
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
