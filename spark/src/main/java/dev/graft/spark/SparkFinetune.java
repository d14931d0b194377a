package dev.graft.spark;

import static org.apache.spark.sql.functions.col;

import dev.graft.MetadataKeys;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.DenseHeadOnnx;
import dev.graft.runtime.GraphStitch;
import dev.graft.runtime.ModelMetadata;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code graft spark finetune}: the frozen trunk featurizes the data on the executors (or the cache
 * has it), a new head trains on the features with Spark MLlib - multinomial logistic regression,
 * its L2 strength chosen on the validation split, or with {@code hidden} a perceptron with one
 * sigmoid hidden layer - and is written as ONNX and stitched onto the trunk: one ONNX model out,
 * carrying the class names and the preprocessing, as {@code graft finetune} writes on one machine.
 */
public final class SparkFinetune {
  private SparkFinetune() {}

  /** L2 strengths tried for logistic regression, the one with the lowest validation loss kept. */
  static final double[] REG_PARAMS = {1e-4, 1e-3, 1e-2, 1e-1, 1};

  /** Keras's epsilon: probabilities are clipped to [eps, 1 - eps] before the log loss. */
  private static final double EPSILON = 1e-7;

  /**
   * @param hidden units in a hidden layer (a perceptron), or 0 for logistic regression
   * @param maxIter most optimizer iterations (L-BFGS, for both)
   */
  public record Options(int hidden, int maxIter, long seed, Path cacheDir, RunOptions run) {}

  /** The stitched model and how it did on the test split (the validation split when none). */
  public record Result(
      ModelProto stitched,
      List<String> classes,
      String preprocessing,
      String head,
      String cutTensor,
      String cacheKey,
      boolean cacheHit,
      int iterations,
      long train,
      long valid,
      long test,
      boolean testIsValidation,
      long unreadableSkipped,
      double testAccuracy,
      double testLoss) {}

  public static Result run(
      SparkSession spark, ModelFile base, String cut, ExampleSources sources, Options options) {
    SparkFeaturize.Features f =
        SparkFeaturize.featurize(spark, base, cut, sources, options.cacheDir(), options.run());
    int k = sources.classNames().size();
    Dataset<Row> all =
        f.rows()
            .select(
                col("split"),
                col("label")
                    .cast("double")
                    .as("y", NominalAttribute.defaultAttr().withNumValues(k).toMetadata()),
                org.apache.spark.ml.functions.array_to_vector(col("features")).as("x"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> train = all.filter(col("split").equalTo(ExampleSources.TRAIN));
      Dataset<Row> valid = all.filter(col("split").equalTo(ExampleSources.VALID));
      Dataset<Row> test =
          sources.hasTestSplit() ? all.filter(col("split").equalTo(ExampleSources.TEST)) : valid;
      ProbabilisticClassificationModel<Vector, ?> model;
      List<DenseHeadOnnx.Layer> layers;
      String head;
      int iterations;
      if (options.hidden() > 0) {
        int features = ((Vector) train.first().getAs("x")).size();
        MultilayerPerceptronClassificationModel mlp =
            Distributed.run(
                () ->
                    new MultilayerPerceptronClassifier()
                        .setLayers(new int[] {features, options.hidden(), k})
                        .setMaxIter(options.maxIter())
                        .setSeed(options.seed())
                        .setFeaturesCol("x")
                        .setLabelCol("y")
                        .fit(train));
        model = mlp;
        layers = MllibHead.of(mlp);
        head = "perceptron(hidden=" + options.hidden() + ")";
        iterations = mlp.summary().totalIterations();
      } else {
        LogisticRegressionModel best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (double reg : REG_PARAMS) {
          LogisticRegressionModel lr =
              Distributed.run(
                  () ->
                      new LogisticRegression()
                          .setFamily("multinomial")
                          .setRegParam(reg)
                          .setElasticNetParam(0)
                          .setMaxIter(options.maxIter())
                          .setTol(1e-6)
                          .setFeaturesCol("x")
                          .setLabelCol("y")
                          .fit(train));
          double loss = metrics(lr, valid)[1];
          if (loss < bestLoss) {
            bestLoss = loss;
            best = lr;
          }
        }
        model = best;
        layers = MllibHead.of(best);
        head = "logistic_regression(l2=" + best.getRegParam() + ")";
        iterations = best.summary().totalIterations();
      }
      double[] m = metrics(model, test);
      ModelProto stitched =
          GraphStitch.stitch(f.trunk(), DenseHeadOnnx.of(layers, "probabilities"), "head/");
      stitched =
          ModelMetadata.with(
              stitched, MetadataKeys.CLASS_NAMES, String.join("\n", sources.classNames()));
      if (sources.preprocessing() != null) {
        stitched =
            ModelMetadata.with(
                stitched,
                MetadataKeys.PREPROCESSING,
                sources.preprocessing().resize() + "+" + sources.preprocessing().scale());
      }
      return new Result(
          stitched,
          sources.classNames(),
          sources.preprocessing() != null
              ? sources.preprocessing().toString()
              : "arrays " + sources.scaling(),
          head,
          f.cutTensor(),
          f.key(),
          f.cacheHit(),
          iterations,
          train.count(),
          valid.count(),
          test.count(),
          !sources.hasTestSplit(),
          sources.examples().size() - all.count(),
          m[0],
          m[1]);
    } finally {
      all.unpersist();
    }
  }

  /** Accuracy (first class on ties) and mean log loss of a model's probabilities on examples. */
  static double[] metrics(ProbabilisticClassificationModel<Vector, ?> model, Dataset<Row> data) {
    List<Row> rows =
        Distributed.run(
            () -> model.transform(data).select("y", model.getProbabilityCol()).collectAsList());
    double correct = 0;
    double loss = 0;
    for (Row r : rows) {
      int y = (int) r.getDouble(0);
      Vector p = r.getAs(1);
      if (p.argmax() == y) {
        correct++;
      }
      loss -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, p.apply(y))));
    }
    int n = Math.max(1, rows.size());
    return new double[] {correct / n, loss / n};
  }
}
