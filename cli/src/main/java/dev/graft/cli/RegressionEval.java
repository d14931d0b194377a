package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.data.ArrayScaling;
import dev.graft.data.RegressionArrays;
import dev.graft.runtime.ExampleLayout;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graft eval MODEL --data FILE} on regression targets (y of floats, one per output): mean
 * squared and mean absolute error, over all outputs and per output, as Keras's {@code mse} and
 * {@code mae} metrics compute them.
 */
final class RegressionEval {
  private RegressionEval() {}

  static int run(
      LoadedModel loaded,
      Path model,
      RegressionArrays a,
      int batchSize,
      boolean json,
      CommandSpec spec) {
    int outputs = loaded.outputs();
    if (outputs != a.width()) {
      throw GraftException.badInput(
          a.source()
              + ": "
              + a.width()
              + " target(s) per example, but "
              + model
              + " has "
              + outputs
              + " output(s)");
    }
    ArrayScaling scaling = ArrayScaling.of(a.integerFeatures(), loaded.preprocessing(), "auto");
    long[] shape = new long[a.exampleShape().length + 1];
    shape[0] = a.size();
    System.arraycopy(a.exampleShape(), 0, shape, 1, a.exampleShape().length);
    float[] x =
        scaling.apply(
            ExampleLayout.fit(a.features(), shape, loaded.classifier().exampleShape(), a.source())
                .data());
    int n = a.size();
    int d = x.length / Math.max(1, n);
    double[] se = new double[outputs];
    double[] ae = new double[outputs];
    for (int start = 0; start < n; start += batchSize) {
      int m = Math.min(batchSize, n - start);
      float[] p = loaded.classifier().predict(Arrays.copyOfRange(x, start * d, (start + m) * d), m);
      for (int i = 0; i < m * outputs; i++) {
        double err = p[i] - a.targets()[start * outputs + i];
        se[i % outputs] += err * err;
        ae[i % outputs] += Math.abs(err);
      }
    }
    double mse = Arrays.stream(se).sum() / ((double) n * outputs);
    double mae = Arrays.stream(ae).sum() / ((double) n * outputs);
    var o = spec.commandLine().getOut();
    if (json) {
      ObjectNode j = Json.object();
      j.put("model", model.toString());
      j.put("data", a.source());
      j.put("scaling", scaling.toString());
      j.put("n", n);
      j.put("outputs", outputs);
      j.put("mse", mse);
      j.put("mae", mae);
      ArrayNode per = j.putArray("per_output");
      for (int c = 0; c < outputs; c++) {
        per.addObject().put("mse", se[c] / n).put("mae", ae[c] / n);
      }
      Json.print(o, j);
    } else {
      o.printf(
          "%s on %s (values scaled %s): %d examples, %d output(s)%nMSE %.6g  MAE %.6g%n",
          model, a.source(), scaling, n, outputs, mse, mae);
      o.flush();
    }
    return 0;
  }
}
