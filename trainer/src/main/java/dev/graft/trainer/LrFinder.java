package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.SpecNetworkBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The chapter's learning-rate finder: one pass over the training set with the learning rate growing
 * exponentially from {@code minRate} to {@code maxRate}, the loss recorded after every batch (as a
 * bias-corrected moving average over about a twentieth of the sweep: one batch's loss is noisy);
 * the sweep stops once that passes four times its minimum. The suggestion is the chapter's rule of
 * thumb: a tenth of the rate where the loss was lowest.
 */
public final class LrFinder {
  private LrFinder() {}

  public record Result(List<Double> rates, List<Double> losses, double suggested) {}

  public static Result find(
      NetworkSpec spec, TaskData data, int batchSize, double minRate, double maxRate) {
    if (!(minRate > 0 && maxRate > minRate)) {
      throw GraftException.usage(
          "the sweep needs 0 < --min-rate < --max-rate, not " + minRate + " and " + maxRate);
    }
    int n = data.train().size();
    int batches = (n + batchSize - 1) / batchSize;
    if (batches < 2) {
      throw GraftException.usage("the sweep needs at least two batches of training examples");
    }
    Network network = SpecNetworkBuilder.build(spec, data.task().outputs(), 1, batches);
    Fitter.checkInput(network, data.train());
    MultiLayerNetwork net = network.sequential();
    Nd4j.getRandom().setSeed(spec.seed());
    INDArray x = data.train().featureMatrix();
    INDArray y = data.train().labelMatrix();
    try (ShuffledCopy shuffled = new ShuffledCopy(x, y)) {
      shuffled.shuffle(new Random(spec.seed()));
      Fitter.free(x, y);
      return sweep(net, network, shuffled, batchSize, minRate, maxRate);
    }
  }

  private static Result sweep(
      MultiLayerNetwork net,
      Network network,
      ShuffledCopy data,
      int batchSize,
      double minRate,
      double maxRate) {
    int n = data.size();
    int batches = (n + batchSize - 1) / batchSize;
    double factor = Math.exp(Math.log(maxRate / minRate) / (batches - 1));
    List<Double> rates = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    double best = Double.MAX_VALUE;
    double average = 0;
    // Smoothing over about a twentieth of the sweep (at least 10 batches): less lag on short
    // sweeps.
    double beta = 1 - 1.0 / Math.max(10, batches / 20.0);
    double rate = minRate;
    for (int b = 0; b < batches; b++, rate *= factor) {
      net.setLearningRate(rate);
      int from = b * batchSize;
      int to = Math.min(n, from + batchSize);
      net.fit(data.batch(network, from, to));
      // One batch's loss is noisy: follow its exponential moving average (bias-corrected).
      average = beta * average + (1 - beta) * net.score();
      double loss = average / (1 - Math.pow(beta, b + 1));
      rates.add(rate);
      losses.add(loss);
      if (!Double.isFinite(loss) || loss > 4 * best) {
        break;
      }
      best = Math.min(best, loss);
    }
    int argmin = 0;
    for (int i = 1; i < losses.size(); i++) {
      if (losses.get(i) < losses.get(argmin)) {
        argmin = i;
      }
    }
    return new Result(rates, losses, rates.get(argmin) / 10);
  }

  /** Loss against learning rate (log scale), with the suggested rate marked. */
  public static void plot(Result r, Path png) {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("learning rate finder")
            .xAxisTitle("learning rate")
            .yAxisTitle("loss")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < r.rates().size(); i++) {
      if (Double.isFinite(r.losses().get(i))) { // the last batch may have diverged
        xs.add(r.rates().get(i));
        ys.add(r.losses().get(i));
      }
    }
    chart.addSeries("loss", xs, ys).setMarker(SeriesMarkers.NONE);
    double lo = ys.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double hi = ys.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    chart
        .addSeries(
            String.format("suggested %.2g", r.suggested()),
            new double[] {r.suggested(), r.suggested()},
            new double[] {lo, hi})
        .setMarker(SeriesMarkers.NONE);
    LearningCurves.savePng(chart, png);
  }
}
