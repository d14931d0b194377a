package dev.graft.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;

import dev.graft.GraftException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Array examples from a Parquet table, read where they lie: a {@code features} column of numbers
 * (what {@code graft spark featurize} writes), else every numeric column in order. Values are used
 * as given; {@code id} is the row's place in the table.
 */
final class ParquetExamples {
  private ParquetExamples() {}

  static JavaRDD<Example> of(Dataset<Row> table, String name) {
    List<StructField> fields = Arrays.asList(table.schema().fields());
    Column features;
    if (fields.stream()
        .anyMatch(f -> f.name().equals("features") && f.dataType() instanceof ArrayType)) {
      features = col("features").cast("array<float>");
    } else {
      Column[] numeric =
          fields.stream()
              .filter(f -> f.dataType() instanceof NumericType)
              .map(f -> col("`" + f.name().replace("`", "``") + "`").cast("float"))
              .toArray(Column[]::new);
      if (numeric.length == 0) {
        throw GraftException.badInput(
            name + ": no features column (an array) and no numeric columns to use as features");
      }
      features = array(numeric);
    }
    return table.select(features).javaRDD().zipWithIndex().map(t -> example(t._1(), t._2()));
  }

  private static Example example(Row row, long i) {
    List<Float> v = row.isNullAt(0) ? null : row.getList(0);
    if (v == null || v.contains(null)) {
      throw GraftException.badInput("row " + i + ": missing values");
    }
    float[] values = new float[v.size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = v.get(c);
    }
    return new Example(i, "row " + i, null, values, -1, "", null);
  }
}
