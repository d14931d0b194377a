package dev.graft.cli;

import dev.graft.data.Preprocessing;
import java.nio.file.Path;

/**
 * How images become a model's input, from its example shape ([h, w, c] or [c, h, w]) and what the
 * model records: "auto" takes the recorded preprocessing (Teachable Machine's crop+tf when its
 * labels.txt lies beside it, or what graft wrote into a model), else Keras's image_dataset_from_
 * directory defaults (bilinear stretch) with x/255.
 */
final class ImagePreprocessing {
  private ImagePreprocessing() {}

  static Preprocessing forModel(
      Path model, long[] ex, String recorded, String preprocess, String resize) {
    return Preprocessing.forModel(model.toString(), ex, recorded, preprocess, resize);
  }
}
