package dev.graft.trainer;

import dev.graft.GraftException;
import java.util.List;

/**
 * How to fine-tune: how many top layers to drop, the new head, which reused layers to freeze in the
 * first phase, both phases' epochs and optimizers, batch size and seed. Defaults are the chapter's
 * B-on-A recipe: drop the output layer, freeze every reused layer for 4 epochs, then train
 * everything for 16, SGD with learning rate 1e-3 in both phases, batches of 32.
 */
public final class FineTuneOptions {
  private final int dropTop;
  private final List<DenseSpec> head;
  private final String freeze;
  private final int freezeEpochs;
  private final int epochs;
  private final Optimizer freezeOptimizer;
  private final Optimizer optimizer;
  private final int batchSize;
  private final long seed;
  private final boolean fastPath;
  private final int headPatience;
  private final boolean epochsChosen;
  private final boolean optimizerChosen;

  private FineTuneOptions(Builder b) {
    this.epochsChosen = b.epochsChosen;
    this.optimizerChosen = b.optimizerChosen;
    this.dropTop = b.dropTop;
    this.head = b.head;
    this.freeze = b.freeze;
    this.freezeEpochs = b.freezeEpochs;
    this.epochs = b.epochs;
    this.optimizer = b.optimizer;
    this.freezeOptimizer = b.freezeOptimizer != null ? b.freezeOptimizer : b.optimizer;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.fastPath = b.fastPath;
    this.headPatience = b.headPatience;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int dropTop() {
    return dropTop;
  }

  /** The new head's layers; null: one output layer fitted to the task (1 sigmoid or n softmax). */
  public List<DenseSpec> head() {
    return head;
  }

  /** Layer selection frozen in the first phase; null: every reused layer. */
  public String freeze() {
    return freeze;
  }

  public int freezeEpochs() {
    return freezeEpochs;
  }

  public int epochs() {
    return epochs;
  }

  public Optimizer freezeOptimizer() {
    return freezeOptimizer;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public int batchSize() {
    return batchSize;
  }

  public long seed() {
    return seed;
  }

  /**
   * Whether training may use graft's fast path ({@link dev.graft.trainer.fast.FastPath}); same
   * results either way.
   */
  public boolean fastPath() {
    return fastPath;
  }

  /**
   * 0: the first phase (the frozen one, or the head on cached activations) runs exactly {@link
   * #freezeEpochs()} epochs. Above 0: at most that many, stopping once the validation loss has not
   * improved for this many epochs, with the best epoch's weights restored: a head trained to
   * convergence.
   */
  public int headPatience() {
    return headPatience;
  }

  /**
   * Whether the epochs were set (either phase's), rather than left at the chapter's defaults: where
   * a head trains on cached activations or on the user's own data, unset epochs mean "to
   * convergence" ({@link FineTuning}).
   */
  public boolean epochsChosen() {
    return epochsChosen;
  }

  /**
   * Whether an optimizer was set (either phase's); unset, a head trained to convergence uses Adam.
   */
  public boolean optimizerChosen() {
    return optimizerChosen;
  }

  /** A builder holding these options, to change some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dropTop = dropTop;
    b.head = head;
    b.freeze = freeze;
    b.freezeEpochs = freezeEpochs;
    b.epochs = epochs;
    b.freezeOptimizer = freezeOptimizer;
    b.optimizer = optimizer;
    b.batchSize = batchSize;
    b.seed = seed;
    b.fastPath = fastPath;
    b.headPatience = headPatience;
    b.epochsChosen = epochsChosen;
    b.optimizerChosen = optimizerChosen;
    return b;
  }

  public static final class Builder {
    private int dropTop = 1;
    private List<DenseSpec> head;
    private String freeze;
    private int freezeEpochs = 4;
    private int epochs = 16;
    private Optimizer freezeOptimizer;
    private Optimizer optimizer = Optimizer.sgd(1e-3);
    private int batchSize = 32;
    private long seed = 42;
    private boolean fastPath = true;
    private int headPatience;
    private boolean epochsChosen;
    private boolean optimizerChosen;

    public Builder headPatience(int epochs) {
      if (epochs < 0) {
        throw new IllegalArgumentException("headPatience must be >= 0, not " + epochs);
      }
      this.headPatience = epochs;
      return this;
    }

    public Builder dropTop(int layers) {
      this.dropTop = layers;
      return this;
    }

    public Builder head(List<DenseSpec> layers) {
      this.head = layers == null ? null : List.copyOf(layers);
      return this;
    }

    public Builder freeze(String selection) {
      this.freeze = selection;
      return this;
    }

    public Builder freezeEpochs(int n) {
      this.freezeEpochs = n;
      this.epochsChosen = true;
      return this;
    }

    public Builder epochs(int n) {
      this.epochs = n;
      this.epochsChosen = true;
      return this;
    }

    /** Optimizer of the frozen phase; by default the same as {@link #optimizer}. */
    public Builder freezeOptimizer(Optimizer o) {
      this.freezeOptimizer = o;
      this.optimizerChosen |= o != null;
      return this;
    }

    public Builder optimizer(Optimizer o) {
      this.optimizer = o;
      this.optimizerChosen = true;
      return this;
    }

    public Builder batchSize(int n) {
      this.batchSize = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * false: train with stock DL4J layers and ND4J executioner (also {@code
     * -Dgraft.fastPath=false}).
     */
    public Builder fastPath(boolean on) {
      this.fastPath = on;
      return this;
    }

    public FineTuneOptions build() {
      if (dropTop < 1) {
        throw GraftException.parameter(
            "dropTop", "must be at least 1 (the old output layer goes), not " + dropTop);
      }
      if (freezeEpochs < 0 || epochs < 0 || freezeEpochs + epochs == 0) {
        throw GraftException.usage(
            "epochs must be >= 0 and train at least one epoch (freeze "
                + freezeEpochs
                + ", unfrozen "
                + epochs
                + ")");
      }
      if (batchSize < 1) {
        throw GraftException.parameter("batchSize", "must be at least 1, not " + batchSize);
      }
      if (head != null && head.isEmpty()) {
        throw GraftException.parameter("head", "needs at least one layer");
      }
      return new FineTuneOptions(this);
    }
  }
}
