package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.fast.FastPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Mini-batch training as Keras's fit does it: the training set is shuffled every epoch, the
 * reported training loss is the mean over the epoch's batches, validation runs after each epoch.
 */
final class Fitter {
  private Fitter() {}

  /**
   * Trains for some epochs; {@code fastPath}: whether graft's fast path may run (see {@link
   * FastPath}).
   */
  static List<EpochStats> fit(
      Network shape,
      Model net,
      Examples train,
      Examples valid,
      String phase,
      int epochs,
      int batchSize,
      Random shuffler,
      TrainingListener listener,
      boolean fastPath) {
    return fit(shape, net, train, valid, phase, epochs, 0, batchSize, shuffler, listener, fastPath);
  }

  /**
   * As {@link #fit(Network, Model, Examples, Examples, String, int, int, Random, TrainingListener,
   * boolean)}; with {@code patience > 0}, {@code epochs} is a maximum: training stops once the
   * validation loss has not improved for {@code patience} epochs and the best epoch's weights are
   * restored (Keras's EarlyStopping with restore_best_weights=True). An improvement counts when it
   * is more than {@value #MIN_DELTA} (Keras's min_delta; for regression, that fraction of the
   * loss): on separable classes the cross-entropy falls forever, by ever less.
   */
  /** The least improvement of the validation loss that early stopping counts. */
  static final double MIN_DELTA = 1e-4;

  static List<EpochStats> fit(
      Network shape,
      Model net,
      Examples train,
      Examples valid,
      String phase,
      int epochs,
      int patience,
      int batchSize,
      Random shuffler,
      TrainingListener listener,
      boolean fastPath) {
    if (patience > 0 && valid.size() == 0) {
      throw GraftException.usage("early stopping needs validation examples");
    }
    if (train.size() == 0) {
      throw GraftException.usage("no training examples for this task");
    }
    checkInput(shape, train);
    INDArray x = train.featureMatrix();
    INDArray y = train.labelMatrix();
    int n = train.size();
    int batches = (n + batchSize - 1) / batchSize;
    List<EpochStats> history = new ArrayList<>();
    listener.phaseStarted(phase, epochs, batches);
    double bestLoss = Double.POSITIVE_INFINITY;
    double counted = Double.POSITIVE_INFINITY; // the loss of the last improvement that counted
    INDArray best = null;
    int sinceBest = 0;
    try (ShuffledCopy shuffled = new ShuffledCopy(x, y)) {
      for (int epoch = 1; epoch <= epochs; epoch++) {
        EpochStats stats =
            epoch(
                shape, net, shuffled, valid, phase, epoch, batchSize, shuffler, listener, fastPath);
        history.add(stats);
        if (patience > 0) {
          double loss = stats.validLoss();
          if (loss < bestLoss) {
            bestLoss = loss;
            if (best != null) {
              free(best);
            }
            best = net.params().dup();
          }
          double delta = train.regression() ? MIN_DELTA * Math.abs(counted) : MIN_DELTA;
          if (loss < counted - delta) {
            counted = loss;
            sinceBest = 0;
          } else if (++sinceBest >= patience) {
            break;
          }
        }
      }
    }
    if (best != null) {
      net.setParams(best);
    }
    free(x, y);
    listener.phaseDone(phase);
    return history;
  }

  /** One pass over the training data in a new shuffled order, then validation. */
  static EpochStats epoch(
      Network shape,
      Model net,
      ShuffledCopy data,
      Examples valid,
      String phase,
      int epoch,
      int batchSize,
      Random shuffler,
      TrainingListener listener,
      boolean fastPath) {
    Nd4jThreads.applyDefault(); // the launcher's thread setting, without launcher flags
    // faster, and no native memory growth; same bits either way
    boolean fast = FastPath.activate(fastPath);
    long start = System.nanoTime();
    data.shuffle(shuffler);
    int n = data.size();
    int batches = (n + batchSize - 1) / batchSize;
    double lossSum = 0;
    try (FastPath.Handle layers = FastPath.around(net, fast)) {
      for (int b = 0; b < batches; b++) {
        int from = b * batchSize;
        DataSet batch = data.batch(shape, from, Math.min(n, from + batchSize));
        if (net instanceof ComputationGraph graph) {
          graph.fit(batch);
        } else {
          ((MultiLayerNetwork) net).fit(batch);
        }
        lossSum += net.score();
        listener.batchDone();
      }
    }
    double trainLoss = lossSum / batches;
    if (!Double.isFinite(trainLoss)) {
      throw new GraftException(
          GraftException.Kind.FAILURE,
          "training diverged in "
              + phase
              + " epoch "
              + epoch
              + " (loss "
              + trainLoss
              + "); try a lower learning rate");
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    Metrics v =
        valid.size() > 0
            ? Evaluator.evaluate(shape.withModel(net), valid)
            : new Metrics(Double.NaN, Double.NaN, 0);
    EpochStats stats = new EpochStats(phase, epoch, trainLoss, v.loss(), v.accuracy(), millis);
    listener.epochDone(stats);
    return stats;
  }

  /**
   * Frees arrays made outside DL4J's workspaces now: graft runs with JavaCPP's pointer GC off (much
   * faster), which leaves such arrays allocated until the JVM exits. Views are left alone.
   */
  static void free(INDArray... arrays) {
    for (INDArray a : arrays) {
      if (a != null && !a.wasClosed() && a.closeable()) {
        a.close();
      }
    }
  }

  static void checkInput(Network network, Examples examples) {
    refuseMasked(network);
    checkInput(network.label(), network.inputSize(), examples);
  }

  /** Training passes no sequence masks yet: a padded-sequence model would train on its padding. */
  static void refuseMasked(Network network) {
    if (network.masksZeroInput()) {
      throw GraftException.unsupported(
          network.label()
              + ": its input masks padding (Embedding mask_zero=True); graft runs such models but"
              + " does not train them yet (training would learn from the padding)");
    }
  }

  static void checkInput(String label, long inputSize, Examples examples) {
    if (inputSize != examples.featureCount()) {
      throw GraftException.usage(
          label
              + ": the model takes "
              + inputSize
              + " values per example but the data has "
              + examples.featureCount());
    }
  }

  static int[] permutation(int n, Random rng) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
