package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.runtime.DenseHeadOnnx;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MLlib's heads written as ONNX compute what MLlib computes: the oracle is MLlib's own probability
 * column, compared with ONNX Runtime running the exported layers on the same features.
 */
class MllibHeadTest {
  private static SparkSession spark;
  private static Dataset<Row> data;
  private static float[] x;
  private static final int N = 300;
  private static final int F = 7;
  private static final int K = 3;

  @BeforeAll
  static void start() {
    spark = SparkSessions.open("local[2]", "MllibHeadTest");
    Random r = new Random(5);
    List<Row> rows = new ArrayList<>();
    x = new float[N * F];
    for (int i = 0; i < N; i++) {
      int y = i % K;
      double[] v = new double[F];
      for (int f = 0; f < F; f++) {
        v[f] = r.nextGaussian() + (f % K == y ? 1.5 : 0) + f * 0.3;
        x[i * F + f] = (float) v[f];
      }
      rows.add(RowFactory.create((double) y, Vectors.dense(v)));
    }
    StructType schema = new StructType().add("y", DataTypes.DoubleType).add("x", new VectorUDT());
    data = spark.createDataFrame(rows, schema);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void logisticRegressionAsOnnxEqualsMllib() {
    var lr =
        new LogisticRegression()
            .setFamily("multinomial")
            .setRegParam(1e-3)
            .setFeaturesCol("x")
            .setLabelCol("y")
            .fit(data);
    assertSame(lr, MllibHead.of(lr));
  }

  @Test
  void perceptronAsOnnxEqualsMllib() {
    var mlp =
        new MultilayerPerceptronClassifier()
            .setLayers(new int[] {F, 5, 4, K})
            .setSeed(3)
            .setMaxIter(50)
            .setFeaturesCol("x")
            .setLabelCol("y")
            .fit(data);
    assertSame(mlp, MllibHead.of(mlp));
  }

  private static void assertSame(
      ProbabilisticClassificationModel<Vector, ?> model, List<DenseHeadOnnx.Layer> layers) {
    List<Row> expected = model.transform(data).select(model.getProbabilityCol()).collectAsList();
    float[] p;
    try (OnnxModel onnx =
        OnnxModel.load(
            DenseHeadOnnx.of(layers, "probabilities").toByteArray(), ModelOptions.defaults())) {
      p = onnx.predict(x, N);
    }
    double worst = 0;
    for (int i = 0; i < N; i++) {
      Vector e = expected.get(i).getAs(0);
      for (int c = 0; c < K; c++) {
        worst = Math.max(worst, Math.abs(e.apply(c) - p[i * K + c]));
      }
    }
    assertEquals(0, worst, 1e-5, "largest difference from MLlib's probabilities");
  }
}
