package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.data.Preprocessing;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A shipped model applied to examples across the cluster, and the errors that come back. */
final class Distributed {
  private Distributed() {}

  /** The model's output for every example ({@link ModelOutputs#SCHEMA}), batch by batch. */
  static Dataset<Row> outputs(
      SparkSession spark,
      ShippedModel model,
      JavaRDD<Example> examples,
      Preprocessing preprocessing,
      long[] exampleShape,
      RunOptions run) {
    JavaRDD<Row> rows =
        examples.mapPartitions(
            new ModelOutputs(model, preprocessing, exampleShape, run.batchSize(), run.skipBad()));
    return spark.createDataFrame(rows, ModelOutputs.SCHEMA);
  }

  /**
   * The driver's examples as a distributed data set: enough partitions for every core, and small
   * ones (about 8 batches each) so that an executor's memory stays flat.
   */
  static JavaRDD<Example> parallelize(SparkSession spark, List<Example> examples, int batchSize) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = examples.size();
    int slices = Math.max(sc.defaultParallelism(), (int) Math.ceil(n / (8.0 * batchSize)));
    return sc.parallelize(examples, Math.max(1, Math.min(slices, n)));
  }

  /**
   * Runs a Spark action; an executor's graft error (a corrupt image, named) comes back as itself
   * instead of Spark's "Job aborted due to stage failure" wrapping.
   */
  static <T> T run(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // Spark's SparkException is checked, undeclared
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof GraftException g) {
          throw g;
        }
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }
}
