package dev.graft.trainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What {@link Evaluation#run} measured: the metrics (accuracy, loss, confusion; or MSE and MAE for
 * regression targets), the class names in the model's output order (for per-class reports), each
 * output's MSE and MAE (regression; empty otherwise), a headline for reports, and what was
 * evaluated ({@code about}: model, data, classes, preprocessing, what was skipped; its "title" is a
 * plot's).
 */
public record Evaluated(
    Metrics metrics,
    List<String> classNames,
    double[] outputMse,
    double[] outputMae,
    String headline,
    ObjectNode about) {

  public boolean regression() {
    return metrics.regression();
  }

  @Override
  public ObjectNode about() {
    return about.deepCopy();
  }
}
