package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.data.Npy;
import dev.graft.runtime.ExampleLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graft predict} for a model with several inputs or outputs (a Keras Functional model such
 * as wide-and-deep): one .npy per input and one per output, in the model's order, all with the same
 * number of examples.
 */
final class SeveralInputsOrOutputs {
  private final LoadedModel model;
  private final List<Path> inputs;
  private final List<Path> outputs;
  private final int batchSize;
  private final CommandSpec spec;
  private final boolean json;

  SeveralInputsOrOutputs(
      LoadedModel model,
      List<Path> inputs,
      List<Path> outputs,
      int batchSize,
      CommandSpec spec,
      boolean json) {
    this.model = model;
    this.inputs = inputs;
    this.outputs = outputs;
    this.batchSize = batchSize;
    this.spec = spec;
    this.json = json;
  }

  int predict(Path file) {
    List<String> inNames = model.inputNames();
    List<String> outNames = model.outputNames();
    if (inputs.size() != inNames.size() || outputs.size() != outNames.size()) {
      throw GraftException.usage(
          file
              + " has "
              + inNames.size()
              + " input(s) ("
              + String.join(", ", inNames)
              + ") and "
              + outNames.size()
              + " output(s) ("
              + String.join(", ", outNames)
              + "): give one --input per input and one --output per output, in that order");
    }
    List<long[]> shapes = model.inputShapes();
    List<float[]> xs = new ArrayList<>();
    int n = -1;
    for (int i = 0; i < inputs.size(); i++) {
      Npy.Array a = Npy.read(inputs.get(i));
      ExampleLayout.Fitted x =
          ExampleLayout.fit(a.data(), a.shape(), shapes.get(i), inputs.get(i).toString());
      if (n >= 0 && x.examples() != n) {
        throw GraftException.usage(
            inputs.get(i) + " holds " + x.examples() + " examples, " + inputs.get(0) + " " + n);
      }
      n = x.examples();
      xs.add(x.data());
    }
    float[][] ys = new float[outNames.size()][];
    int[] widths = new int[outNames.size()];
    for (int start = 0; start < n; start += batchSize) {
      int m = Math.min(batchSize, n - start);
      List<float[]> batch = new ArrayList<>();
      for (int i = 0; i < xs.size(); i++) {
        int d = (int) Arrays.stream(shapes.get(i)).reduce(1, (p, q) -> p * q);
        batch.add(Arrays.copyOfRange(xs.get(i), start * d, (start + m) * d));
      }
      List<float[]> parts = model.run(batch, m);
      for (int j = 0; j < parts.size(); j++) {
        if (ys[j] == null) {
          widths[j] = parts.get(j).length / m;
          ys[j] = new float[n * widths[j]];
        }
        System.arraycopy(parts.get(j), 0, ys[j], start * widths[j], parts.get(j).length);
      }
    }
    for (int j = 0; j < ys.length; j++) {
      Npy.write(outputs.get(j), ys[j], new long[] {n, widths[j]});
    }
    var o = spec.commandLine().getOut();
    if (json) {
      ObjectNode j = Json.object();
      j.put("model", file.toString());
      j.put("n", n);
      ArrayNode outs = j.putArray("outputs");
      for (int k = 0; k < ys.length; k++) {
        ObjectNode one = outs.addObject();
        one.put("name", outNames.get(k));
        one.put("size", widths[k]);
        one.put("file", outputs.get(k).toString());
      }
      Json.print(o, j);
    } else {
      for (int k = 0; k < ys.length; k++) {
        o.printf(
            "%s: %d examples -> %s: %s (%d x %d)%n",
            file, n, outNames.get(k), outputs.get(k), n, widths[k]);
      }
      o.flush();
    }
    return 0;
  }
}
