package dev.graft.converter;

import dev.graft.GraftException;
import java.util.List;

/** Options of the ONNX exporter: opset (13 to 21, default 13) and optional class labels. */
public final class ExportOptions {
  public static final int MIN_OPSET = 13;
  public static final int MAX_OPSET = 21;
  private final int opset;
  private final List<String> labels;

  private ExportOptions(Builder b) {
    this.opset = b.opset;
    this.labels = b.labels;
  }

  public static ExportOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some. */
  public Builder toBuilder() {
    return builder().opset(opset).labels(labels);
  }

  public int opset() {
    return opset;
  }

  public List<String> labels() {
    return labels;
  }

  /** The IR version that goes with the opset (ONNX's versioning table). */
  public static final class Builder {
    private int opset = MIN_OPSET;
    private List<String> labels = List.of();

    public Builder opset(int opset) {
      this.opset = opset;
      return this;
    }

    public Builder labels(List<String> labels) {
      this.labels = List.copyOf(labels);
      return this;
    }

    public ExportOptions build() {
      if (opset < MIN_OPSET || opset > MAX_OPSET) {
        throw GraftException.parameter(
            "opset", "must be between " + MIN_OPSET + " and " + MAX_OPSET + ", not " + opset);
      }
      return new ExportOptions(this);
    }
  }
}
