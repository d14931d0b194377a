package dev.graft.samples;

import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.Prediction;
import dev.graft.runtime.Predictor;
import dev.graft.trainer.FineTuned;
import dev.graft.trainer.FineTuning;
import dev.graft.trainer.Predictors;
import dev.graft.trainer.data.DataSource;
import java.nio.file.Path;

/**
 * The library's front door, as a Java service uses it: fine-tune a pretrained model (Keras .h5 or
 * .keras, a graft/DL4J zip, ONNX) on the user's labelled data (a folder of class folders, a .npz, a
 * pair X.npy,Y.npy, a CSV with a {@code label} column), save the result, then open it for
 * predictions and classify some photos with the class names it carries.
 *
 * <p>Run: {@code samples/run FineTuneOwnData BASE DATA OUT.onnx|.zip|.keras [PHOTO ...]}, e.g.
 * {@code samples/run FineTuneOwnData ../shared/models/teachable-machine/dog-cat/keras_model.h5
 * ../shared/models/teachable-machine/dog-cat/images dog-cat-tuned.zip photo.jpg}
 */
public final class FineTuneOwnData {
  private FineTuneOwnData() {}

  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: FineTuneOwnData BASE DATA OUT [PHOTO ...]");
      System.exit(2);
    }
    FineTuned tuned =
        FineTuning.builder()
            .base(Path.of(args[0]))
            .data(DataSource.of(Path.of(args[1])))
            .out(Path.of(args[2]))
            .build()
            .run();
    System.out.printf(
        "%s%ntest accuracy %.4f over %d examples, %d epochs; classes %s; saved %s%n",
        tuned.dataSummary(),
        tuned.test().accuracy(),
        tuned.test().n(),
        tuned.history().size(),
        tuned.classNames(),
        args[2]);
    try (Predictor predictor = Predictors.open(Path.of(args[2]), ModelOptions.defaults())) {
      for (int i = 3; i < args.length; i++) {
        Prediction p = predictor.predict(Path.of(args[i]));
        System.out.printf("%s: %s %.4f%n", args[i], p.best().name(), p.best().probability());
      }
    }
  }
}
