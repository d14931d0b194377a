package dev.graft.trainer;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Learning curves as a PNG (XChart): training and validation loss, validation accuracy, and the
 * learning rate.
 */
public final class LearningCurves {
  private LearningCurves() {}

  public static void save(
      Path png, List<EpochStats> history, List<Double> learningRates, String title) {
    if (history.isEmpty()) {
      throw GraftException.usage("no epochs to plot");
    }
    double[] epochs = history.stream().mapToDouble(EpochStats::epoch).toArray();
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title(title)
            .xAxisTitle("epoch")
            .yAxisTitle("loss / accuracy")
            .build();
    chart
        .addSeries("loss", epochs, history.stream().mapToDouble(EpochStats::trainLoss).toArray())
        .setMarker(SeriesMarkers.NONE);
    if (history.stream().noneMatch(e -> Double.isNaN(e.validLoss()))) {
      chart
          .addSeries(
              "val_loss", epochs, history.stream().mapToDouble(EpochStats::validLoss).toArray())
          .setMarker(SeriesMarkers.NONE);
      chart
          .addSeries(
              "val_accuracy",
              epochs,
              history.stream().mapToDouble(EpochStats::validAccuracy).toArray())
          .setMarker(SeriesMarkers.NONE);
    }
    // The learning rate on its own axis, at the right.
    var lr =
        chart.addSeries(
            "learning rate",
            epochs,
            learningRates.stream().mapToDouble(Double::doubleValue).toArray());
    lr.setMarker(SeriesMarkers.NONE);
    lr.setYAxisGroup(1);
    chart.setYAxisGroupTitle(1, "learning rate");
    chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
    savePng(chart, png);
  }

  /** A chart as a PNG file, written atomically. */
  static void savePng(Chart<?, ?> chart, Path png) {
    byte[] bytes;
    try {
      bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE, "cannot draw " + png + ": " + e.getMessage(), e);
    }
    AtomicWrite.write(png, tmp -> Files.write(tmp, bytes));
  }
}
