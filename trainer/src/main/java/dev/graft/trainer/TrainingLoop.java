package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.ScheduleSpec;
import dev.graft.trainer.spec.SpecNetworkBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a network built from a {@link NetworkSpec}: validation after every epoch, the performance
 * schedule (Keras's ReduceLROnPlateau), early stopping that restores the best weights, and
 * checkpoints a killed run resumes from. Every epoch reseeds its own random streams (shuffling,
 * dropout) from the seed and the epoch number, so a resumed run ends with the same weights as an
 * uninterrupted one.
 */
public final class TrainingLoop {
  private TrainingLoop() {}

  /**
   * The trained network, per-epoch history and learning rates, where it stopped, and test metrics.
   */
  public record Result(
      Network network,
      List<EpochStats> history,
      List<Double> learningRates,
      int bestEpoch,
      boolean stoppedEarly,
      int resumedAfter,
      Metrics test) {}

  public static Result train(
      NetworkSpec spec, TaskData data, TrainOptions options, TrainingListener listener) {
    return train(spec, data, options, listener, n -> {});
  }

  /**
   * @param prepare runs on the freshly built network before the first epoch (weights reused from
   *     another model, say); not on a resumed run, whose checkpoint already holds them
   */
  public static Result train(
      NetworkSpec spec,
      TaskData data,
      TrainOptions options,
      TrainingListener listener,
      java.util.function.Consumer<Network> prepare) {
    int n = data.train().size();
    if (n == 0) {
      throw GraftException.usage("no training examples for this task");
    }
    int batches = (n + options.batchSize() - 1) / options.batchSize();
    Network network =
        SpecNetworkBuilder.build(spec, data.task().outputs(), options.epochs(), batches);
    Fitter.checkInput(network, data.train());
    MultiLayerNetwork net = network.sequential();
    Checkpoints checkpoints =
        options.checkpointDir() == null ? null : new Checkpoints(options.checkpointDir());
    ScheduleSpec plateau =
        spec.schedule() != null && spec.schedule().name().equals("performance")
            ? spec.schedule()
            : null;

    List<EpochStats> history = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    int start = 1;
    int bestEpoch = 0;
    double bestLoss = Double.MAX_VALUE;
    INDArray bestParams = null;
    int sinceBest = 0;
    double lr = spec.optimizer().rate();
    double lrBestLoss = Double.MAX_VALUE;
    int sinceLrImproved = 0;
    int resumedAfter = 0;
    boolean stoppedEarly = false;
    Checkpoints.Loaded loaded = options.resume() ? checkpoints.latest() : null;
    if (loaded != null) {
      Checkpoints.State s = loaded.state();
      net = loaded.net();
      network = network.withModel(net);
      history.addAll(s.history());
      rates.addAll(s.rates());
      start = s.epoch() + 1;
      resumedAfter = s.epoch();
      bestEpoch = s.bestEpoch();
      bestLoss = s.bestLoss();
      bestParams = loaded.best() != null ? loaded.best().params().dup() : null;
      sinceBest = s.sinceBest();
      lr = s.learningRate();
      lrBestLoss = s.lrBestLoss();
      sinceLrImproved = s.sinceLrImproved();
      if (options.patience() > 0 && sinceBest >= options.patience()) {
        stoppedEarly = true; // the run had already stopped early: resuming it trains nothing more
        start = options.epochs() + 1;
      }
    } else {
      prepare.accept(network);
    }
    INDArray x = data.train().featureMatrix();
    INDArray y = data.train().labelMatrix();
    listener.phaseStarted("train", Math.max(0, options.epochs() - start + 1), batches);
    try (ShuffledCopy shuffled = new ShuffledCopy(x, y)) {
      for (int epoch = start; epoch <= options.epochs(); epoch++) {
        // Each epoch's randomness depends on the seed and the epoch only: what makes --resume
        // exact.
        Nd4j.getRandom().setSeed(spec.seed() * 1_000_003L + epoch);
        net.setEpochCount(epoch - 1);
        double rate = plateau != null ? lr : currentRate(net, spec);
        EpochStats stats =
            Fitter.epoch(
                network,
                net,
                shuffled,
                data.valid(),
                "train",
                epoch,
                options.batchSize(),
                new Random(spec.seed() * 31L + epoch),
                listener,
                true);
        history.add(stats);
        rates.add(rate);
        double loss = Double.isNaN(stats.validLoss()) ? stats.trainLoss() : stats.validLoss();
        boolean better = loss < bestLoss;
        if (better) {
          bestLoss = loss;
          bestEpoch = epoch;
          bestParams = net.params().dup();
          sinceBest = 0;
        } else {
          sinceBest++;
        }
        if (plateau != null) {
          if (loss < lrBestLoss) {
            lrBestLoss = loss;
            sinceLrImproved = 0;
          } else if (++sinceLrImproved >= plateau.patience()) {
            lr *= plateau.factor();
            net.setLearningRate(lr);
            sinceLrImproved = 0;
          }
        }
        boolean stop = options.patience() > 0 && sinceBest >= options.patience();
        if (checkpoints != null) {
          if (better) {
            checkpoints.saveBest(net, epoch);
          }
          if (better
              || options.checkpointEvery() > 0 && epoch % options.checkpointEvery() == 0
              || stop
              || epoch == options.epochs()) {
            checkpoints.save(
                net,
                new Checkpoints.State(
                    epoch,
                    bestEpoch,
                    bestLoss,
                    lr,
                    sinceBest,
                    sinceLrImproved,
                    lrBestLoss,
                    history,
                    rates));
          }
        }
        if (stop) {
          stoppedEarly = true;
          break;
        }
      }
    }
    listener.phaseDone("train");
    Fitter.free(x, y);
    if (options.patience() > 0 && bestParams != null) {
      net.setParams(
          bestParams); // early stopping restores the best weights, as Keras's restore_best_weights
    }
    Network trained = network.withModel(net);
    return new Result(
        trained,
        history,
        rates,
        bestEpoch,
        stoppedEarly,
        resumedAfter,
        Evaluator.evaluate(trained, data.test()));
  }

  /** The learning rate this epoch starts with, as the updater's schedule gives it. */
  private static double currentRate(MultiLayerNetwork net, NetworkSpec spec) {
    for (var layer : net.getLayers()) {
      if (layer
          .paramTable()
          .containsKey("W")) { // the first Dense layer (input batch norm may come first)
        var updater = layer.conf().getLayer().getUpdaterByParam("W");
        return updater.hasLearningRate()
            ? updater.getLearningRate(net.getIterationCount(), net.getEpochCount())
            : spec.optimizer().rate();
      }
    }
    return spec.optimizer().rate();
  }
}
