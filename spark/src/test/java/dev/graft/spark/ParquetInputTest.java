package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature columns read from Parquet where they lie (a {@code features} array column, or numeric
 * columns), predicted in table order: the same outputs as ONNX Runtime on the same values in one
 * process; a row of the wrong width is named.
 */
@org.junit.jupiter.api.Tag("acceptance") // two Spark sessions' worth of jobs: about 15 s
class ParquetInputTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static final int N = 40;
  private static final int F = 3;
  private static float[] x;
  private static Path model;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSessions.open("local[2]", "ParquetInputTest");
    Random r = new Random(2);
    x = SoftmaxModels.gaussian(N * F, r);
    model = SoftmaxModels.write(tmp.resolve("m.onnx"), F, 2, r);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aFeaturesColumnAndNumericColumnsGiveOnnxRuntimesOutputsInTableOrder() {
    List<Row> arrays = new ArrayList<>();
    List<Row> columns = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      List<Double> v = new ArrayList<>();
      for (int f = 0; f < F; f++) {
        v.add((double) x[i * F + f]);
      }
      arrays.add(RowFactory.create("r" + i, v));
      columns.add(RowFactory.create("r" + i, x[i * F], x[i * F + 1], (double) x[i * F + 2]));
    }
    Path a = tmp.resolve("arrays.parquet");
    spark
        .createDataFrame(
            arrays,
            new StructType()
                .add("name", DataTypes.StringType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)))
        .coalesce(1)
        .write()
        .parquet(a.toString());
    Path c = tmp.resolve("columns.parquet");
    spark
        .createDataFrame(
            columns,
            new StructType()
                .add("name", DataTypes.StringType)
                .add("a", DataTypes.FloatType)
                .add("b", DataTypes.FloatType)
                .add("c", DataTypes.DoubleType))
        .coalesce(1)
        .write()
        .parquet(c.toString());
    float[] expected;
    try (OnnxModel m = OnnxModel.load(model, ModelOptions.defaults())) {
      expected = m.predict(x, N);
    }
    for (Path input : List.of(a, c)) {
      Path out = tmp.resolve(input.getFileName() + ".npy");
      SparkPredict.Result r =
          SparkPredict.run(
              spark,
              ModelFile.read(model),
              input.toString(),
              out.toString(),
              "auto",
              "auto",
              new RunOptions(8, false, "cpu"));
      assertEquals(N, r.n());
      assertArrayEquals(expected, Npy.read(out).data(), 1e-6f, input.toString());
    }
  }

  @Test
  void aRowOfTheWrongWidthIsNamed() {
    List<Row> rows =
        List.of(RowFactory.create(List.of(1.0, 2.0, 3.0)), RowFactory.create(List.of(1.0)));
    Path bad = tmp.resolve("bad.parquet");
    spark
        .createDataFrame(
            rows, new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType)))
        .coalesce(1)
        .write()
        .parquet(bad.toString());
    Path out = tmp.resolve("bad.npy");
    GraftException e =
        assertThrows(
            GraftException.class,
            () ->
                SparkPredict.run(
                    spark,
                    ModelFile.read(model),
                    bad.toString(),
                    out.toString(),
                    "auto",
                    "auto",
                    new RunOptions(8, true, "cpu")));
    assertTrue(e.getMessage().startsWith("row 1: 1 values; the model takes 3"), e.getMessage());
    assertTrue(!Files.exists(out));
  }
}
