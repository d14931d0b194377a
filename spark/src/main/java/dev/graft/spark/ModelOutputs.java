package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.data.ImageDecoder;
import dev.graft.data.Preprocessing;
import dev.graft.runtime.ExampleLayout;
import dev.graft.runtime.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs on the executors: a partition's examples, read and prepared batch by batch (images decoded
 * and preprocessed as the model expects), through the executor's session of the shipped model. One
 * batch is held at a time, so an executor's memory does not grow with its partition. A bad image
 * stops the job with a message naming it, or with {@code skipBad} is left out and counted.
 */
final class ModelOutputs implements FlatMapFunction<Iterator<Example>, Row> {
  private static final long serialVersionUID = 1L;

  /** The rows this function returns. */
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("file", DataTypes.StringType, false)
          .add("label", DataTypes.IntegerType, false)
          .add("split", DataTypes.StringType, false)
          .add("content_sha256", DataTypes.StringType, true)
          .add("values", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private final ShippedModel model;
  private final Preprocessing preprocessing;
  private final long[] exampleShape;
  private final long exampleSize;
  private final int batchSize;
  private final boolean skipBad;

  /**
   * {@code preprocessing}: how images become input, or null for array examples; {@code skipBad}:
   * leave unreadable images out (the caller counts the rows missing) instead of stopping.
   */
  ModelOutputs(
      ShippedModel model,
      Preprocessing preprocessing,
      long[] exampleShape,
      int batchSize,
      boolean skipBad) {
    this.model = model;
    this.preprocessing = preprocessing;
    this.exampleShape = exampleShape;
    this.exampleSize = java.util.Arrays.stream(exampleShape).reduce(1, (a, b) -> a * b);
    this.batchSize = batchSize;
    this.skipBad = skipBad;
  }

  @Override
  public Iterator<Row> call(Iterator<Example> examples) {
    OnnxModel session = model.session();
    Configuration hadoop = new Configuration();
    ArrayDeque<Row> ready = new ArrayDeque<>();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && examples.hasNext()) {
          ready.addAll(batch(session, hadoop, examples));
        }
        return !ready.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }

  private List<Row> batch(OnnxModel session, Configuration hadoop, Iterator<Example> examples) {
    List<Example> taken = new ArrayList<>();
    List<float[]> inputs = new ArrayList<>();
    while (taken.size() < batchSize && examples.hasNext()) {
      Example e = examples.next();
      try {
        if (e.uri() != null) {
          byte[] bytes = read(hadoop, e);
          inputs.add(preprocessing.apply(ImageDecoder.decode(bytes, e.file())));
        } else {
          if (e.values().length != exampleSize) {
            throw GraftException.badInput(
                e.file()
                    + ": "
                    + e.values().length
                    + " values; the model takes "
                    + exampleSize
                    + " per example "
                    + java.util.Arrays.toString(exampleShape));
          }
          inputs.add(e.values());
        }
        taken.add(e);
      } catch (GraftException bad) {
        if (!skipBad || e.uri() == null) {
          throw bad; // only unreadable images are skipped; a bad array row is the data's fault
        }
      }
    }
    if (taken.isEmpty()) {
      return List.of();
    }
    int m = taken.size();
    int d = inputs.get(0).length;
    float[] x = new float[m * d];
    for (int i = 0; i < m; i++) {
      System.arraycopy(inputs.get(i), 0, x, i * d, d);
    }
    if (preprocessing != null) {
      long[] shape = {m, preprocessing.height(), preprocessing.width(), preprocessing.channels()};
      x = ExampleLayout.fit(x, shape, exampleShape, taken.get(0).file()).data();
    }
    float[] y = session.predict(x, m);
    int k = y.length / m;
    List<Row> rows = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      Example e = taken.get(i);
      float[] values = java.util.Arrays.copyOfRange(y, i * k, (i + 1) * k);
      rows.add(
          RowFactory.create(e.id(), e.file(), e.label(), e.split(), e.contentSha256(), values));
    }
    return rows;
  }

  private static byte[] read(Configuration hadoop, Example e) {
    try {
      Path p = new Path(URI.create(e.uri()));
      FileSystem fs = p.getFileSystem(hadoop);
      long size = fs.getFileStatus(p).getLen();
      if (size > ImageDecoder.MAX_FILE_BYTES) {
        throw GraftException.badInput(e.file() + ": " + size + " bytes, too large for an image");
      }
      try (InputStream in = fs.open(p)) {
        return in.readAllBytes();
      }
    } catch (IOException ex) {
      throw GraftException.badInput(e.file() + ": cannot read: " + ex.getMessage(), ex);
    }
  }

  static byte[] floatBytes(float[] v) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }
}
