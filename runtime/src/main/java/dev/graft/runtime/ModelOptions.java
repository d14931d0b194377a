package dev.graft.runtime;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.graft.GraftException;

/** How an {@link OnnxModel} runs: device, threads, graph optimization level. */
public final class ModelOptions {
  private final Device device;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final OptLevel optimization;

  private ModelOptions(Builder b) {
    this.device = b.device;
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.optimization = b.optimization;
  }

  public static ModelOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some. */
  public Builder toBuilder() {
    return builder()
        .device(device)
        .intraOpThreads(intraOpThreads)
        .interOpThreads(interOpThreads)
        .optimization(optimization);
  }

  public Device device() {
    return device;
  }

  /** Threads inside one operator; 0: ONNX Runtime's default (one per core). */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  public int interOpThreads() {
    return interOpThreads;
  }

  public OptLevel optimization() {
    return optimization;
  }

  public static final class Builder {
    private Device device = Device.CPU;
    private int intraOpThreads;
    private int interOpThreads;
    private OptLevel optimization = OptLevel.ALL_OPT;

    public Builder device(Device d) {
      this.device = d;
      return this;
    }

    public Builder device(String d) {
      return device(Device.parse(d));
    }

    public Builder intraOpThreads(int n) {
      this.intraOpThreads = n;
      return this;
    }

    public Builder interOpThreads(int n) {
      this.interOpThreads = n;
      return this;
    }

    public Builder optimization(OptLevel level) {
      this.optimization = level;
      return this;
    }

    public ModelOptions build() {
      if (intraOpThreads < 0 || interOpThreads < 0) {
        throw GraftException.parameter(
            "intraOpThreads", "and interOpThreads must be >= 0 (0: ONNX Runtime's default)");
      }
      return new ModelOptions(this);
    }
  }
}
