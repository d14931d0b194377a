package dev.graft.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.data.ArrayData;
import dev.graft.data.ArrayScaling;
import dev.graft.data.ImageFolder;
import dev.graft.data.LabelledArrays;
import dev.graft.data.Preprocessing;
import dev.graft.data.RegressionArrays;
import dev.graft.runtime.Device;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.data.ArrayTask;
import dev.graft.trainer.data.DataSource;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.ImageExamples;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * graft's one evaluation entry: a model file (ONNX in ONNX Runtime, Keras and DL4J files in DL4J)
 * scored on labelled data, prepared as the model records (its images' preprocessing, its arrays'
 * scaling). The data's classes are matched to the model's class names by name, case-insensitively,
 * when both have names (never by folder order: Teachable Machine's labels.txt is in the order its
 * author made the classes); a class the model does not know is refused, naming it. Images: the
 * folder's test/ split, else every class folder; arrays: their test split, else every example;
 * regression targets (a fraction or a sign, or {@link
 * dev.graft.trainer.data.DataOptions#regression}) are scored by MSE and MAE; a Fashion-MNIST task
 * by its test images.
 */
public final class Evaluation {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Evaluation() {}

  public static Evaluated run(Path model, DataSource data, ModelOptions runtime) {
    boolean onnx = ModelFormat.detect(model) == ModelFormat.ONNX;
    if (!onnx
        && runtime.device().kind() != Device.Kind.CPU
        && runtime.device().kind() != Device.Kind.AUTO) {
      throw GraftException.parameter(
          "device",
          runtime.device()
              + " applies to ONNX models only; "
              + model
              + " runs in DL4J on the CPU (convert it to ONNX first)");
    }
    if (onnx) {
      try (OnnxModel m = OnnxModel.load(model, runtime)) {
        return run(model, Classifier.of(m), m.classNames(), m.preprocessing(), data);
      }
    }
    Network network = ModelLoader.load(model);
    return run(model, Classifier.of(network), network.classNames(), network.preprocessing(), data);
  }

  private static Evaluated run(
      Path model, Classifier c, List<String> names, String recorded, DataSource data) {
    int outputs = c.predict(new float[(int) c.inputSize()], 1).length;
    boolean arrays = data.kind() == DataSource.Kind.ARRAYS;
    boolean csv = arrays && data.spec().toLowerCase(Locale.ROOT).endsWith(".csv");
    if (data.options().regression() && (!arrays || csv)) {
      throw GraftException.parameter("regression", "goes with arrays: .npz or X.npy,Y.npy");
    }
    if (arrays && !csv) {
      // read once, then y as targets or as classes
      ArrayData.refuseLabelColumn(data.spec(), data.options().labelColumn());
      ArrayData.Pair pair = ArrayData.evaluationPair(data.spec());
      if (data.options().regression() || ArrayData.holdsTargets(pair.y())) {
        return targets(model, c, outputs, recorded, RegressionArrays.of(pair));
      }
      LabelledArrays a = ArrayData.ofClasses(new ArrayData.Pair[] {pair, null}).train();
      return classes(model, c, outputs, names, recorded, data, a);
    }
    return switch (data.kind()) {
      case IMAGE_FOLDER -> images(model, c, outputs, names, recorded, data);
      case ARRAYS -> {
        ArrayData all = ArrayData.load(data.spec(), data.options().labelColumn());
        yield classes(
            model,
            c,
            outputs,
            names,
            recorded,
            data,
            all.test() != null ? all.test() : all.train());
      }
      case FASHION_MNIST -> task(model, c, data);
    };
  }

  private static Evaluated images(
      Path model, Classifier c, int outputs, List<String> names, String recorded, DataSource data) {
    Path dir = data.path();
    ImageFolder folder = ImageFolder.forEvaluation(dir);
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
        Preprocessing.forModel(
            model.toString(),
            c.exampleShape(),
            recorded,
            data.options().preprocess(),
            data.options().resize());
    ImageExamples examples =
        new ImageExamples(
            test.files(),
            labels,
            pre,
            c.exampleShape(),
            outputs,
            data.options().skipBad(),
            dir.toString());
    Metrics metrics = Evaluator.evaluate(c, examples); // streamed: a few batches in memory
    ObjectNode about = about(model, model.getFileName() + " on " + dir.getFileName());
    about.put("data", dir.toString());
    about.putPOJO("classes", folder.classes());
    about.put("preprocessing", pre.toString());
    about.put("skipped", folder.skipped());
    about.put("unreadable_images_skipped", examples.leftOutFiles().size());
    return new Evaluated(
        metrics,
        reportNames(names, folder.classes(), outputs),
        new double[0],
        new double[0],
        model + " on images in " + dir + " (preprocessed " + pre + ")",
        about);
  }

  /** {@code a}: the labelled arrays to score on (a file's test split when it has one). */
  private static Evaluated classes(
      Path model,
      Classifier c,
      int outputs,
      List<String> names,
      String recorded,
      DataSource data,
      LabelledArrays a) {
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
    ArrayScaling scaling =
        ArrayScaling.of(a.integerFeatures(), recorded, data.options().preprocess());
    Examples e = ArrayTask.examples(a, c.exampleShape(), scaling, outputs);
    ObjectNode about =
        about(model, model.getFileName() + " on " + Path.of(a.source()).getFileName());
    about.put("data", a.source());
    about.put("scaling", scaling.toString());
    return new Evaluated(
        Evaluator.evaluate(c, new Examples(e.features(), labels, e.featureCount(), outputs)),
        names.isEmpty() ? a.classNames() : names,
        new double[0],
        new double[0],
        model + " on " + a.source() + " (values scaled " + scaling + ")",
        about);
  }

  private static Evaluated targets(
      Path model, Classifier c, int outputs, String recorded, RegressionArrays a) {
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
    ArrayScaling scaling = ArrayScaling.of(a.integerFeatures(), recorded, "auto");
    Examples e = ArrayTask.regressionExamples(a, c.exampleShape(), scaling);
    double[][] perOutput = Evaluator.outputErrors(c, e);
    ObjectNode about = about(model, model.getFileName() + " on " + a.source());
    about.put("data", a.source());
    about.put("scaling", scaling.toString());
    about.put("outputs", outputs);
    return new Evaluated(
        Evaluator.evaluate(c, e),
        List.of(),
        perOutput[0],
        perOutput[1],
        model + " on " + a.source() + " (values scaled " + scaling + ")",
        about);
  }

  private static Evaluated task(Path model, Classifier c, DataSource data) {
    Task task = data.task();
    TaskData d = TaskData.of(FashionMnist.load(data.path()), task);
    ObjectNode about = about(model, model.getFileName() + " on " + task.name());
    about.put("task", task.describe());
    return new Evaluated(
        Evaluator.evaluate(c, d.test()),
        task.labelNames(),
        new double[0],
        new double[0],
        model + " on " + task.describe() + " (test images)",
        about);
  }

  private static ObjectNode about(Path model, String title) {
    ObjectNode about = JSON.createObjectNode();
    about.put("model", model.toString());
    about.put("title", title);
    return about;
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
