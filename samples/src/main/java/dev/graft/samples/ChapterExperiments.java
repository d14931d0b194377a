package dev.graft.samples;

import dev.graft.converter.Network;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.McDropout;
import dev.graft.trainer.Metrics;
import dev.graft.trainer.TrainOptions;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.TrainingLoop;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.LayerSpec;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.OptimizerSpec;
import dev.graft.trainer.spec.ScheduleSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The chapter's training-toolbox experiments on Fashion-MNIST (all ten classes, 55,000 training and
 * 5,000 validation images), each printing graft's validation accuracy next to the chapter's where
 * the chapter quotes one. Differences from the book are printed with each (graft feeds pixels/255
 * where the book standardizes the SELU network's inputs).
 *
 * <p>Run: {@code samples/run ChapterExperiments [--only NAME] [--epochs-scale 0.2]}
 */
public final class ChapterExperiments {
  record Experiment(String name, NetworkSpec spec, int epochs, String chapter, String note) {}

  static List<Experiment> experiments() {
    List<Experiment> out = new ArrayList<>();
    OptimizerSpec sgd = OptimizerSpec.of("sgd").learningRate(1e-3);
    out.add(
        new Experiment(
            "leaky_relu",
            NetworkSpec.builder()
                .name("leaky_relu")
                .input(28, 28)
                .layer(LayerSpec.dense(300, "leaky_relu").alpha(0.2).initializer("he_normal"))
                .layer(LayerSpec.dense(100, "leaky_relu").alpha(0.2).initializer("he_normal"))
                .optimizer(sgd)
                .build(),
            10,
            "0.84",
            ""));
    out.add(
        new Experiment(
            "prelu",
            NetworkSpec.builder()
                .name("prelu")
                .input(28, 28)
                .layer(LayerSpec.dense(300, "prelu").initializer("he_normal"))
                .layer(LayerSpec.dense(100, "prelu").initializer("he_normal"))
                .optimizer(sgd)
                .build(),
            10,
            "0.84",
            ""));
    out.add(
        new Experiment(
            "selu_100_layers",
            NetworkSpec.builder()
                .name("selu_100")
                .input(28, 28)
                .layer(LayerSpec.dense(100, "selu").initializer("lecun_normal").repeat(100))
                .optimizer(sgd)
                .selfNormalizing(true)
                .build(),
            5,
            "0.836",
            "the book standardizes the inputs (mean 0, std 1); graft scales them to [0, 1]"));
    out.add(
        new Experiment(
            "batch_norm",
            NetworkSpec.builder()
                .name("batch_norm")
                .input(28, 28)
                .inputBatchNorm(true)
                .layer(LayerSpec.dense(300, "relu").initializer("he_normal").batchNorm("before"))
                .layer(LayerSpec.dense(100, "relu").initializer("he_normal").batchNorm("before"))
                .optimizer(sgd)
                .build(),
            10,
            "0.868",
            ""));
    OptimizerSpec nadam = OptimizerSpec.of("nadam");
    out.add(
        new Experiment(
            "l2",
            NetworkSpec.builder()
                .name("l2")
                .input(28, 28)
                .layer(LayerSpec.dense(300, "elu").initializer("he_normal").l2(0.01))
                .layer(LayerSpec.dense(100, "elu").initializer("he_normal").l2(0.01))
                .optimizer(nadam)
                .build(),
            2,
            null,
            ""));
    out.add(
        new Experiment(
            "dropout",
            NetworkSpec.builder()
                .name("dropout")
                .input(28, 28)
                .inputDropout(0.2)
                .layer(LayerSpec.dense(300, "elu").initializer("he_normal").dropout(0.2))
                .layer(LayerSpec.dense(100, "elu").initializer("he_normal").dropout(0.2))
                .optimizer(nadam)
                .build(),
            2,
            null,
            ""));
    out.add(
        new Experiment(
            "alpha_dropout",
            NetworkSpec.builder()
                .name("alpha_dropout")
                .input(28, 28)
                .layer(LayerSpec.dense(300, "selu").initializer("lecun_normal").alphaDropout(0.2))
                .layer(LayerSpec.dense(100, "selu").initializer("lecun_normal").alphaDropout(0.2))
                .optimizer(OptimizerSpec.of("nesterov").learningRate(0.01))
                .selfNormalizing(true)
                .build(),
            20,
            null,
            ""));
    out.add(
        new Experiment(
            "max_norm",
            NetworkSpec.builder()
                .name("max_norm")
                .input(28, 28)
                .layer(LayerSpec.dense(300, "selu").initializer("lecun_normal").maxNorm(1.0))
                .layer(LayerSpec.dense(100, "selu").initializer("lecun_normal").maxNorm(1.0))
                .optimizer(nadam)
                .build(),
            2,
            null,
            ""));
    out.add(
        new Experiment(
            "1cycle",
            NetworkSpec.builder()
                .name("1cycle")
                .input(28, 28)
                .layer(LayerSpec.dense(300, "selu").initializer("lecun_normal"))
                .layer(LayerSpec.dense(100, "selu").initializer("lecun_normal"))
                .optimizer(OptimizerSpec.of("sgd"))
                .schedule(ScheduleSpec.oneCycle(0.05))
                .build(),
            25,
            null,
            "batch 128, as the book"));
    return out;
  }

  public static void main(String[] args) {
    String only = Samples.stringOption(args, "--only", null);
    double scale = Double.parseDouble(Samples.stringOption(args, "--epochs-scale", "1"));
    TaskData data = TaskData.of(FashionMnist.load(null), Task.preset("all"));
    System.out.printf(
        "%-16s %6s %12s %10s  %s%n", "experiment", "epochs", "val_accuracy", "chapter", "note");
    for (Experiment e : experiments()) {
      if (only != null && !only.equals(e.name())) {
        continue;
      }
      int epochs = Math.max(1, (int) Math.round(e.epochs() * scale));
      int batch = e.name().equals("1cycle") ? 128 : 32;
      var r =
          TrainingLoop.train(
              e.spec(),
              data,
              new TrainOptions(epochs, batch, 0, null, 0, false),
              TrainingListener.NONE);
      double val = r.history().get(r.history().size() - 1).validAccuracy();
      System.out.printf(
          "%-16s %6d %12.4f %10s  %s%n",
          e.name(), epochs, val, e.chapter() == null ? "-" : e.chapter(), e.note());
      if (e.name().equals("alpha_dropout")) {
        mcDropout(r.network(), data);
      }
    }
  }

  /**
   * The chapter's MC dropout on the alpha-dropout model: 100 stochastic passes over the test set.
   */
  private static void mcDropout(Network network, TaskData data) {
    Metrics once = Evaluator.evaluate(network, data.test());
    int n = data.test().size();
    McDropout.Result r = McDropout.predict(network, data.test().features(), n, 100, 42);
    double accuracy = Evaluator.accuracy(r.mean(), r.outputs(), data.test().labels());
    System.out.printf(
        "%-16s %6s %12.4f %10s  %s%n",
        "mc_dropout",
        "-",
        accuracy,
        "-",
        String.format(
            "test accuracy of 100 passes' mean; one deterministic pass: %.4f", once.accuracy()));
  }
}
