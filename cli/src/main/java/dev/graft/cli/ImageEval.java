package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.data.ImageFolder;
import dev.graft.data.Preprocessing;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.Metrics;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.ImageFolderTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graft eval MODEL --data DIR} on a folder of labelled images (its test/ split, or every
 * class folder): a model with class names (labels.txt, a model graft wrote) is matched to the
 * folders by name, case-insensitively, never by folder order; one without takes the folders in
 * sorted order.
 */
final class ImageEval {
  private ImageEval() {}

  static int run(
      LoadedModel loaded,
      Path model,
      Path dir,
      boolean json,
      Path plot,
      boolean skipBad,
      CommandSpec spec) {
    ImageFolder folder = ImageFolder.forEvaluation(dir);
    int outputs = loaded.outputs();
    List<String> names = loaded.classNames();
    int[] toModel =
        ClassMatch.toModel(
            folder.classes(),
            names,
            !names.isEmpty(),
            outputs,
            outputs,
            dir.toString(),
            "class folder",
            model);
    ImageFolder.Split test = folder.test();
    int[] labels = new int[test.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = toModel[test.labels()[i]];
    }
    Preprocessing pre =
        ImagePreprocessing.forModel(
            model, loaded.classifier().exampleShape(), loaded.preprocessing(), "auto", "auto");
    List<Path> skipped = skipBad ? new ArrayList<>() : null;
    Examples examples = ImageFolderTask.examples(test, labels, pre, outputs, skipped);
    Metrics m = Evaluator.evaluate(loaded.classifier(), examples);
    ObjectNode fields = Json.object();
    fields.put("model", model.toString());
    fields.put("title", model.getFileName() + " on " + dir.getFileName());
    fields.put("data", dir.toString());
    fields.putPOJO("classes", folder.classes());
    fields.put("preprocessing", pre.toString());
    fields.put("skipped", folder.skipped());
    fields.put("unreadable_images_skipped", skipped == null ? 0 : skipped.size());
    EvalReport.print(
        spec.commandLine().getOut(),
        json,
        fields,
        model + " on images in " + dir + " (preprocessed " + pre + ")",
        m,
        reportNames(names, folder.classes(), outputs),
        plot);
    return 0;
  }

  /**
   * The model's class names for its outputs; without any, the folder names it was matched to in
   * order, then output numbers.
   */
  private static List<String> reportNames(List<String> names, List<String> folders, int outputs) {
    if (!names.isEmpty()) {
      return names;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.max(2, outputs); i++) {
      out.add(i < folders.size() ? folders.get(i) : String.valueOf(i));
    }
    return out;
  }
}
