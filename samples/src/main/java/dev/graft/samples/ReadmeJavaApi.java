package dev.graft.samples;

import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.runtime.ImageClassifier;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuneRecord;
import dev.graft.trainer.FineTuneResult;
import dev.graft.trainer.FineTuner;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Path;

/**
 * The README's Java API section, compiled by the build so the README cannot drift from the API:
 * each method body is one snippet, as printed there.
 *
 * <p>Run: {@code samples/run ReadmeJavaApi MODEL.h5 OUT.zip}
 */
public final class ReadmeJavaApi {
  private ReadmeJavaApi() {}

  public static void main(String[] args) {
    fineTune(Path.of(args[0]), Path.of(args[1]));
  }

  static void fineTune(Path modelFile, Path outFile) {
    Network base = ModelLoader.load(modelFile);
    TaskData data = TaskData.of(FashionMnist.load(null), Task.preset("shirt-vs-sandal"));
    FineTuneOptions options = FineTuneOptions.builder().freezeEpochs(4).epochs(16).seed(1).build();
    FineTuneResult result = FineTuner.fineTune(base, data, options, TrainingListener.NONE);
    FineTuneRecord.save(
        result.network(), outFile, FineTuneRecord.describe(base, data, options, result));
  }

  static String classify(Path photo) {
    try (ImageClassifier classifier =
        ImageClassifier.open(Path.of("mine.onnx"), ModelOptions.defaults())) {
      ImageClassifier.Result result =
          classifier.classify(photo); // decoded and prepared as recorded
      return result.best().name() + " " + result.best().probability();
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
