package dev.graft.samples;

import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.runtime.Prediction;
import dev.graft.runtime.Predictor;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuned;
import dev.graft.trainer.FineTuning;
import dev.graft.trainer.Predictors;
import dev.graft.trainer.data.DataSource;
import dev.graft.trainer.data.Task;
import java.nio.file.Path;

/**
 * The README's Java API section, compiled by the build so the README cannot drift from the API:
 * each method body is one snippet, as printed there.
 *
 * <p>Run: {@code samples/run ReadmeJavaApi MODEL.h5 PHOTO_FOLDER PHOTO} (writes mine.onnx)
 */
public final class ReadmeJavaApi {
  private ReadmeJavaApi() {}

  public static void main(String[] args) {
    fineTune(Path.of(args[0]), Path.of(args[1]));
    System.out.println(classify(Path.of(args[2])));
  }

  static FineTuned fineTune(Path modelFile, Path photos) {
    FineTuned tuned =
        FineTuning.builder()
            .base(modelFile) // Keras .h5 or .keras, graft/DL4J .zip, or ONNX
            .data(DataSource.imageFolder(photos)) // or DataSource.arrays("x.npz"), ...
            .out(Path.of("mine.onnx")) // the format its extension names, a record beside it
            .build()
            .run();
    System.out.println(tuned.test().accuracy() + " on " + tuned.dataSummary());
    return tuned;
  }

  static FineTuned fineTuneTheChapter(Path modelA) {
    return FineTuning.builder()
        .base(modelA)
        .data(DataSource.fashionMnist(null, Task.preset("shirt-vs-sandal")))
        .options(FineTuneOptions.builder().freezeEpochs(4).epochs(16).seed(1).build())
        .build()
        .run();
  }

  static String classify(Path photo) {
    try (Predictor predictor = Predictors.open(Path.of("mine.onnx"), ModelOptions.defaults())) {
      Prediction p = predictor.predict(photo); // decoded and prepared as the model records
      return p.best().name() + " " + p.best().probability();
    }
  }

  static float[] serve(Path onnxFile, float[] pixels, int n) {
    try (OnnxModel model =
        OnnxModel.load(onnxFile, ModelOptions.builder().device("auto").intraOpThreads(1).build())) {
      float[] probabilities = model.predict(pixels, n); // n examples of 784 values, row after row
      return probabilities;
    }
  }
}
