package dev.graft.trainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/** A confusion matrix as a PNG heat map (XChart): true classes down, predicted across. */
public final class ConfusionPlot {
  private ConfusionPlot() {}

  public static void save(Path png, int[][] confusion, List<String> names, String title) {
    int k = confusion.length;
    List<String> labels =
        java.util.stream.IntStream.range(0, k)
            .mapToObj(c -> c < names.size() ? names.get(c) : String.valueOf(c))
            .toList();
    List<Number[]> cells = new ArrayList<>(k * k);
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        // XChart's heat map reads {x, y, value}; y runs upwards, so the first true class goes on
        // top.
        cells.add(new Number[] {p, k - 1 - t, confusion[t][p]});
      }
    }
    List<String> upwards = new ArrayList<>(labels);
    Collections.reverse(upwards);
    HeatMapChart chart =
        new HeatMapChartBuilder()
            .width(Math.max(480, 90 * k + 200))
            .height(Math.max(400, 70 * k + 160))
            .title(title)
            .xAxisTitle("predicted")
            .yAxisTitle("true")
            .build();
    chart.getStyler().setShowValue(true);
    chart.addSeries("count", labels, upwards, cells);
    LearningCurves.savePng(chart, png);
  }
}
