package dev.graft.trainer.data;

import dev.graft.GraftException;

/**
 * How the user's labelled data becomes training examples: the validation share drawn (seeded,
 * stratified by class) when a folder has no val/ split or arrays have no test part, the seed,
 * whether undecodable images are left out and counted ({@code skipBad}) or stop the run, how images
 * are resized and scaled ({@code "auto"}: as the model records, see {@link
 * dev.graft.data.Preprocessing#forModel}), and the CSV column holding the class. Defaults: 0.2,
 * seed 42, stop at a bad image, auto, auto, column {@code label}.
 */
public final class DataOptions {
  private final double valSplit;
  private final long seed;
  private final boolean skipBad;
  private final String preprocess;
  private final String resize;
  private final String labelColumn;
  private final boolean regression;

  private DataOptions(Builder b) {
    this.regression = b.regression;
    this.valSplit = b.valSplit;
    this.seed = b.seed;
    this.skipBad = b.skipBad;
    this.preprocess = b.preprocess;
    this.resize = b.resize;
    this.labelColumn = b.labelColumn;
  }

  public static DataOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return builder()
        .valSplit(valSplit)
        .seed(seed)
        .skipBad(skipBad)
        .preprocess(preprocess)
        .resize(resize)
        .labelColumn(labelColumn)
        .regression(regression);
  }

  /**
   * Whether labelled arrays' y holds regression targets even when every value is a whole number
   * from 0; fractions or negative values always read as targets.
   */
  public boolean regression() {
    return regression;
  }

  public double valSplit() {
    return valSplit;
  }

  public long seed() {
    return seed;
  }

  public boolean skipBad() {
    return skipBad;
  }

  /** auto, unit, tf, torch, caffe or none. */
  public String preprocess() {
    return preprocess;
  }

  /** auto, stretch, crop or pad. */
  public String resize() {
    return resize;
  }

  /** The CSV column holding the class; null: {@code label}. */
  public String labelColumn() {
    return labelColumn;
  }

  public static final class Builder {
    private double valSplit = 0.2;
    private long seed = 42;
    private boolean skipBad;
    private String preprocess = "auto";
    private String resize = "auto";
    private String labelColumn;
    private boolean regression;

    private Builder() {}

    public Builder regression(boolean targets) {
      this.regression = targets;
      return this;
    }

    public Builder valSplit(double share) {
      this.valSplit = share;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder skipBad(boolean skip) {
      this.skipBad = skip;
      return this;
    }

    public Builder preprocess(String mode) {
      this.preprocess = mode;
      return this;
    }

    public Builder resize(String mode) {
      this.resize = mode;
      return this;
    }

    public Builder labelColumn(String column) {
      this.labelColumn = column;
      return this;
    }

    public DataOptions build() {
      if (!(valSplit > 0 && valSplit < 1)) {
        throw GraftException.parameter("valSplit", "must be between 0 and 1, not " + valSplit);
      }
      if (preprocess == null || resize == null) {
        throw GraftException.usage("preprocess and resize need a value (\"auto\" by default)");
      }
      return new DataOptions(this);
    }
  }
}
