package dev.graft.trainer.data;

import dev.graft.Sha256;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled examples in memory: features as flat rows (n x features), labels as task labels. Binary
 * tasks have one output column (0/1); others one-hot columns. Regression examples have {@code
 * targets} instead (n x outputs; their labels are all 0); classification ones have null there.
 */
public record Examples(
    float[] features, int[] labels, int featureCount, int outputs, float[] targets)
    implements ExampleStream {

  public Examples(float[] features, int[] labels, int featureCount, int outputs) {
    this(features, labels, featureCount, outputs, null);
  }

  /** Examples with {@code outputs} regression targets each. */
  public static Examples regression(
      float[] features, float[] targets, int featureCount, int outputs) {
    return new Examples(
        features, new int[targets.length / outputs], featureCount, outputs, targets);
  }

  public boolean regression() {
    return targets != null;
  }

  /** The same labels or targets with other features (a trunk's activations of these examples). */
  public Examples withFeatures(float[] newFeatures, int newFeatureCount) {
    return new Examples(newFeatures, labels, newFeatureCount, outputs, targets);
  }

  public int size() {
    return labels.length;
  }

  @Override
  public int count() {
    return size();
  }

  /** SHA-256 over the feature values (float32, little-endian) and their width. */
  @Override
  public String contentKey() {
    MessageDigest d = Sha256.digest();
    d.update(("float32 rows of " + featureCount + "\n").getBytes(StandardCharsets.US_ASCII));
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : features) {
      if (!buf.hasRemaining()) {
        d.update(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putFloat(v);
    }
    d.update(buf.array(), 0, buf.position());
    return HexFormat.of().formatHex(d.digest());
  }

  @Override
  public Examples through(Model model, int batch, Progress progress) {
    int n = size();
    RowBuffer out = new RowBuffer(n);
    for (int from = 0; from < n; from += batch) {
      int to = Math.min(n, from + batch);
      out.add(
          model.apply(
              Arrays.copyOfRange(features, from * featureCount, to * featureCount), to - from),
          to - from);
      progress.rowsDone(to, n);
    }
    return withFeatures(out.values(), out.columns());
  }

  @Override
  public Examples withFeatures(float[] newFeatures, int columns, int[] leftOut) {
    if (leftOut.length > 0) {
      throw new IllegalArgumentException("examples in memory leave none out");
    }
    return withFeatures(newFeatures, columns);
  }

  /** Always empty: every example in memory is used. */
  @Override
  public int[] leftOut() {
    return new int[0];
  }

  @Override
  public Examples load() {
    return this;
  }

  /** n x featureCount. */
  public INDArray featureMatrix() {
    return Nd4j.create(features, new long[] {size(), featureCount}, 'c');
  }

  /** n x outputs: the targets; for classes 0/1 for one output, one-hot otherwise. */
  public INDArray labelMatrix() {
    if (targets != null) {
      return Nd4j.create(targets.clone(), new long[] {size(), outputs}, 'c');
    }
    float[] out = new float[size() * outputs];
    for (int i = 0; i < size(); i++) {
      if (outputs == 1) {
        out[i] = labels[i];
      } else {
        out[i * outputs + labels[i]] = 1f;
      }
    }
    return Nd4j.create(out, new long[] {size(), outputs}, 'c').castTo(DataType.FLOAT);
  }
}
