package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.trainer.DenseSpec;
import dev.graft.trainer.DenseStack;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuneRecord;
import dev.graft.trainer.FineTuneResult;
import dev.graft.trainer.FineTuner;
import dev.graft.trainer.Metrics;
import dev.graft.trainer.Optimizer;
import dev.graft.trainer.Trainer;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Run the chapter's 'reusing pretrained layers' experiment on Fashion-MNIST.",
    description =
        "Train model A on 8 Fashion-MNIST classes (or take it from --base), then train B (shirt vs sandal, 200 images) from scratch and on top of A's layers with the same budget, over several seeds, and compare their median test accuracies.")
final class DemoCommand implements Callable<Integer> {
  /** The chapter's (2nd edition) test accuracies. */
  static final double CHAPTER_B = 0.9705;

  static final double CHAPTER_B_ON_A = 0.9925;

  @Option(names = "--quick", description = "Train model A for 3 epochs instead of 20.")
  boolean quick;

  @Option(
      names = "--base",
      paramLabel = "FILE",
      description = "Use this model A (Keras .h5 or .zip) instead of training one.")
  Path base;

  @Option(
      names = "--edition",
      defaultValue = "2",
      description =
          "2: A without sandals and shirts, B shirt vs sandal; 3: A without T-shirts and pullovers, B pullover vs T-shirt (default: ${DEFAULT-VALUE}).")
  int edition;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "First seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--seeds",
      defaultValue = "5",
      description =
          "B is trained with this many seeds (seed, seed+1, ...); medians are reported (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(
      names = "--out-dir",
      defaultValue = "graft-demo",
      paramLabel = "DIR",
      description = "Where models are saved (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST folder.")
  Path data;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (seeds < 1) {
      throw dev.graft.GraftException.usage("--seeds must be at least 1, not " + seeds);
    }
    if (edition != 2 && edition != 3) {
      throw dev.graft.GraftException.usage("--edition is 2 or 3, not " + edition);
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      java.nio.file.Files.createDirectories(outDir); // the demo's own folder (default graft-demo/)
    } catch (java.io.IOException e) {
      throw new dev.graft.GraftException(
          dev.graft.GraftException.Kind.FAILURE,
          "cannot create --out-dir " + outDir + ": " + e.getMessage(),
          e);
    }
    AtomicWrite.checkWritable(outDir.resolve("model_B_on_A.zip"));
    FashionMnist mnist = FashionMnist.load(data);
    TaskData taskA =
        TaskData.of(
            mnist, Task.preset(edition == 2 ? "all-but-sandal-shirt" : "all-but-tshirt-pullover"));
    TaskData taskB =
        TaskData.of(mnist, Task.preset(edition == 2 ? "shirt-vs-sandal" : "pullover-vs-tshirt"));
    Optimizer sgd = Optimizer.sgd(1e-3);
    FineTuneOptions recipe =
        FineTuneOptions.builder().freezeEpochs(4).epochs(16).optimizer(sgd).build();
    int budget = recipe.freezeEpochs() + recipe.epochs();

    Network modelA;
    int epochsA = quick ? 3 : 20;
    if (base != null) {
      modelA = ModelLoader.load(base);
      say(out, "model A: %s (%s)", base, modelA.producer());
    } else {
      say(
          out,
          "training model A (%s) on %d images, %d epochs, %s",
          DenseStack.chapterHidden(),
          taskA.train().size(),
          epochsA,
          sgd);
      modelA =
          DenseStack.build(
              "model_A",
              taskA.train().featureCount(),
              DenseStack.chapterHidden(),
              new DenseSpec(taskA.task().outputs(), "softmax"),
              sgd,
              seed);
      Trainer.train(modelA, taskA, epochsA, 32, seed, Progress.forTraining("model A"));
      Dl4jZip.write(modelA, outDir.resolve("model_A.zip"), null);
    }
    Metrics a = Evaluator.evaluate(modelA, taskA.test());
    say(out, "model A: test accuracy %.4f on %s", a.accuracy(), taskA.task().describe());

    say(
        out,
        "training B from scratch and B on A (%d epochs frozen, %d unfrozen), %d epochs each, on %d images, seeds %d..%d",
        recipe.freezeEpochs(),
        recipe.epochs(),
        budget,
        taskB.train().size(),
        seed,
        seed + seeds - 1);
    double[] b = new double[seeds];
    double[] ba = new double[seeds];
    for (int i = 0; i < seeds; i++) {
      long s = seed + i;
      Network scratch =
          DenseStack.build(
              "model_B",
              taskB.train().featureCount(),
              DenseStack.chapterHidden(),
              new DenseSpec(1, "sigmoid"),
              sgd,
              s);
      Trainer.train(scratch, taskB, budget, 32, s, Progress.forTraining("model B seed " + s));
      b[i] = Evaluator.evaluate(scratch, taskB.test()).accuracy();
      FineTuneOptions options =
          FineTuneOptions.builder().freezeEpochs(4).epochs(16).optimizer(sgd).seed(s).build();
      FineTuneResult onA =
          FineTuner.fineTune(modelA, taskB, options, Progress.forTraining("B on A seed " + s));
      ba[i] = onA.test().accuracy();
      if (i == 0) {
        FineTuneRecord.save(
            onA.network(),
            outDir.resolve("model_B_on_A.zip"),
            FineTuneRecord.describe(modelA, taskB, options, onA));
      }
      say(out, "  seed %d: B from scratch %.4f, B on A %.4f", s, b[i], ba[i]);
    }
    double medianB = median(b);
    double medianBa = median(ba);
    double ratio = (1 - medianB) / Math.max(1 - medianBa, 1e-9);

    if (json) {
      ObjectNode o = Json.object();
      o.put("model_a_accuracy", a.accuracy());
      o.put("model_a_epochs", base != null ? 0 : epochsA);
      o.put("b_scratch_accuracy", medianB);
      o.put("b_on_a_accuracy", medianBa);
      o.put("seeds", seeds);
      o.put("error_rate_ratio", ratio);
      o.put("epochs", budget);
      o.put("seed", seed);
      o.put("n", taskB.test().size());
      Json.print(out, o);
      return 0;
    }
    out.println();
    out.printf(
        "%-36s %14s %10s%n", "test accuracy on " + taskB.task().name(), "graft median", "chapter");
    out.printf(
        "%-36s %14.4f %10s%n",
        "B from scratch", medianB, edition == 2 ? String.format("%.4f", CHAPTER_B) : "-");
    out.printf(
        "%-36s %14.4f %10s%n",
        "B on A (reused layers)",
        medianBa,
        edition == 2 ? String.format("%.4f", CHAPTER_B_ON_A) : "-");
    out.printf(
        "error rate %.2f%% -> %.2f%%: %.1fx lower (chapter: %.1fx)%n",
        100 * (1 - medianB), 100 * (1 - medianBa), ratio, (1 - CHAPTER_B) / (1 - CHAPTER_B_ON_A));
    out.printf("models saved in %s%n", outDir);
    out.flush();
    return 0;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private void say(PrintWriter out, String format, Object... args) {
    if (!json) {
      out.printf(format + "%n", args);
      out.flush();
    }
  }
}
