package dev.graft.trainer.data;

import java.util.Arrays;

/**
 * Rows of model outputs gathered batch after batch, their width learnt from the first batch (a
 * model's declared output shape may be symbolic): room for every row is taken once, then trimmed to
 * the rows that came.
 */
final class RowBuffer {
  private final int capacity;
  private float[] values;
  private int columns;
  private int rows;

  RowBuffer(int capacityRows) {
    this.capacity = capacityRows;
  }

  void add(float[] part, int n) {
    if (values == null) {
      columns = n == 0 ? 0 : part.length / n;
      values = new float[Math.multiplyExact(capacity, columns)];
    }
    if (part.length != (long) n * columns) {
      throw new IllegalStateException(
          "the model gave " + part.length + " values for " + n + " rows of " + columns);
    }
    System.arraycopy(part, 0, values, rows * columns, part.length);
    rows += n;
  }

  int columns() {
    return columns;
  }

  float[] values() {
    if (values == null) {
      return new float[0];
    }
    return rows * columns == values.length ? values : Arrays.copyOf(values, rows * columns);
  }
}
