package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.data.ArrayScaling;
import dev.graft.data.CsvTable;
import dev.graft.data.Npy;
import dev.graft.runtime.ExampleLayout;
import dev.graft.trainer.McDropout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Run a model on images or a .npy array and write its outputs.",
    description =
        "For a .npy array the first dimension counts the examples. A folder of images (or one image) is decoded and prepared as the model expects: one row per file with the top classes by name, in .csv, .json or .npy. ONNX files run in ONNX Runtime, Keras and DL4J files in DL4J: any two formats can be compared on one input.")
final class PredictCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MODEL", description = "Keras .h5, graft/DL4J .zip or .onnx")
  Path model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "X.npy|X.csv|DIR|IMAGE",
      description =
          "A .npy array (floats or integers, C order; a model with several inputs takes one"
              + " --input per input, in the order inspect lists them), a CSV with a header (every"
              + " column a feature but one named label), or a folder of images or one"
              + " image (PNG, JPEG, BMP, GIF, WebP).")
  List<Path> inputs;

  @Option(
      names = "--preprocess",
      defaultValue = "auto",
      description =
          "Images: auto (Teachable Machine's x/127.5-1 when its labels.txt lies beside the model,"
              + " else unit), unit (x/255), tf (x/127.5-1), torch (x/255, ImageNet mean/std), caffe"
              + " (BGR minus ImageNet means) or none (default: ${DEFAULT-VALUE}). A .npy of"
              + " integers (uint8 pixels) is scaled as images are (auto, unit, tf or none); one of"
              + " floats is used as given unless unit or tf is asked for.")
  String preprocess;

  @Option(
      names = "--resize",
      defaultValue = "auto",
      description =
          "Images: auto (crop for Teachable Machine models, else stretch), stretch (Keras's"
              + " bilinear) or crop (centre crop and Lanczos, as PIL's ImageOps.fit) (default:"
              + " ${DEFAULT-VALUE}).")
  String resize;

  @Option(
      names = "--top-k",
      defaultValue = "3",
      description = "Images, .json output: classes listed per file (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "Y.npy",
      description =
          "Written as float32. A model with several outputs writes one --output per output, in"
              + " the order inspect lists them.")
  List<Path> outputs;

  private Path input;
  private Path output;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "For ONNX models: cpu, cuda[:ID] or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--batch-size",
      defaultValue = "256",
      description = "Examples per call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--mc-dropout",
      paramLabel = "N",
      description =
          "MC dropout: N predictions with dropout active; "
              + "--output gets their mean (Keras and DL4J models).")
  int mcDropout;

  @Option(
      names = "--std",
      paramLabel = "Y_STD.npy",
      description = "With --mc-dropout: the standard deviation of the N predictions.")
  Path std;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "With --mc-dropout: the dropout masks' seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--skip-bad",
      description =
          "Images: leave out images that cannot be decoded (corrupt, truncated), counted in the"
              + " report, instead of stopping at the first.")
  boolean skipBad;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (batchSize < 1) {
      throw GraftException.usage("--batch-size must be at least 1");
    }
    if (std != null && mcDropout == 0) {
      throw GraftException.usage("--std goes with --mc-dropout N");
    }
    outputs.forEach(dev.graft.AtomicWrite::checkWritable);
    if (std != null) {
      dev.graft.AtomicWrite.checkWritable(std);
    }
    try (LoadedModel loaded = LoadedModel.open(model, device)) {
      if (inputs.size() == 1 && ImagePredict.isImages(inputs.get(0))) {
        if (mcDropout != 0 || outputs.size() != 1) {
          throw GraftException.usage("images go with one --output and without --mc-dropout");
        }
        return new ImagePredict(loaded, model, spec)
            .run(inputs.get(0), outputs.get(0), preprocess, resize, batchSize, topK, skipBad, json);
      }
      if (loaded.inputNames().size() != 1 || loaded.outputNames().size() != 1) {
        if (mcDropout != 0) {
          throw GraftException.usage("--mc-dropout needs a model with one input and one output");
        }
        return new SeveralInputsOrOutputs(loaded, inputs, outputs, batchSize, spec, json)
            .predict(model);
      }
      if (inputs.size() != 1 || outputs.size() != 1) {
        throw GraftException.usage(
            model + " has one input and one output: give one --input and one --output");
      }
      input = inputs.get(0);
      output = outputs.get(0);
      return predictOne(loaded);
    }
  }

  private int predictOne(LoadedModel loaded) {
    Npy.Array array =
        input.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
            ? CsvTable.features(input, null)
            : Npy.read(input);
    // by shape, not size: channels-last images for a channels-first model are transposed, other
    // shapes refused
    // whole-number pixels (uint8) are scaled as images are for this model; floats go as given
    ArrayScaling scaling = ArrayScaling.of(array.integers(), loaded.preprocessing(), preprocess);
    ExampleLayout.Fitted x =
        ExampleLayout.fit(
            scaling.apply(array.data()),
            array.shape(),
            loaded.classifier().exampleShape(),
            input.toString());
    if (x.note() != null) {
      spec.commandLine().getErr().println("graft: note: " + x.note());
    }
    if (!scaling.mode().equals("none")) {
      spec.commandLine().getErr().println("graft: note: " + input + ": values scaled " + scaling);
    }
    int n = x.examples();
    int d = (int) loaded.classifier().inputSize();
    float[] y = null;
    float[] sd = null;
    int outputs = 0;
    for (int start = 0; start < n; start += batchSize) {
      int m = Math.min(batchSize, n - start);
      float[] batch = Arrays.copyOfRange(x.data(), start * d, (start + m) * d);
      float[] part;
      float[] partStd = null;
      if (mcDropout != 0) {
        McDropout.Result r =
            McDropout.predict(loaded.network("--mc-dropout"), batch, m, mcDropout, seed + start);
        part = r.mean();
        partStd = r.std();
      } else {
        part = loaded.classifier().predict(batch, m);
      }
      if (y == null) {
        outputs = part.length / m;
        y = new float[n * outputs];
        sd = mcDropout != 0 ? new float[n * outputs] : null;
      }
      System.arraycopy(part, 0, y, start * outputs, part.length);
      if (partStd != null) {
        System.arraycopy(partStd, 0, sd, start * outputs, partStd.length);
      }
    }
    if (std != null) {
      Npy.write(std, sd, new long[] {n, outputs});
    }
    Npy.write(output, y, new long[] {n, outputs});
    var o = spec.commandLine().getOut();
    List<String> classes = loaded.classNames();
    TopClassCounts top = classes.size() == outputs ? TopClassCounts.of(y, n, classes) : null;
    if (json) {
      ObjectNode j = Json.object();
      j.put("model", model.toString());
      j.put("n", n);
      j.put("outputs", outputs);
      j.put("output", output.toString());
      if (top != null) {
        var names = j.putArray("class_names");
        classes.forEach(names::add);
        top.addTo(j);
      }
      Json.print(o, j);
    } else {
      o.printf("%s: %d examples -> %s (%d x %d)%n", model, n, output, n, outputs);
      if (top != null) {
        o.printf("top class: %s%n", top.text());
      }
      o.flush();
    }
    return 0;
  }
}
