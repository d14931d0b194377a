package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.data.ArrayData;
import dev.graft.data.ArrayScaling;
import dev.graft.data.LabelledArrays;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.Metrics;
import dev.graft.trainer.data.ArrayTask;
import dev.graft.trainer.data.Examples;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graft eval MODEL --data FILE} on labelled arrays (.npz, X.npy,Y.npy, CSV): the test split
 * when the file has one, else every example. Named classes (CSV labels) are matched to the model's
 * class names by name, case-insensitively; numbered ones are output indices.
 */
final class ArrayEval {
  private ArrayEval() {}

  static int run(
      LoadedModel loaded, Path model, ArrayData data, boolean json, Path plot, CommandSpec spec) {
    LabelledArrays a = data.test() != null ? data.test() : data.train();
    int outputs = loaded.outputs();
    List<String> names = loaded.classNames();
    boolean numbered = a.classNames().equals(LabelledArrays.numbered(a.classNames().size()));
    // a single sigmoid output still says two classes
    int[] toModel =
        ClassMatch.toModel(
            a.classNames(),
            names,
            !numbered && !names.isEmpty(),
            Math.max(2, outputs),
            outputs,
            a.source(),
            "class",
            model);
    int[] labels = new int[a.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = toModel[a.labels()[i]];
    }
    ArrayScaling scaling = ArrayScaling.of(a.integerFeatures(), loaded.preprocessing(), "auto");
    Examples e = ArrayTask.examples(a, loaded.classifier().exampleShape(), scaling, outputs);
    Metrics m =
        Evaluator.evaluate(
            loaded.classifier(), new Examples(e.features(), labels, e.featureCount(), outputs));
    ObjectNode fields = Json.object();
    fields.put("model", model.toString());
    fields.put("title", model.getFileName() + " on " + Path.of(a.source()).getFileName());
    fields.put("data", a.source());
    fields.put("scaling", scaling.toString());
    EvalReport.print(
        spec.commandLine().getOut(),
        json,
        fields,
        model + " on " + a.source() + " (values scaled " + scaling + ")",
        m,
        names.isEmpty() ? a.classNames() : names,
        plot);
    return 0;
  }
}
