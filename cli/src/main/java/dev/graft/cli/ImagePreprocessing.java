package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.data.Preprocessing;
import java.nio.file.Path;
import java.util.Arrays;

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
    long h;
    long w;
    long c;
    if (ex.length == 3 && (ex[2] == 1 || ex[2] == 3)) {
      h = ex[0];
      w = ex[1];
      c = ex[2];
    } else if (ex.length == 3 && (ex[0] == 1 || ex[0] == 3)) {
      c = ex[0];
      h = ex[1];
      w = ex[2];
    } else {
      throw GraftException.usage(
          model + " does not take images: its input is " + Arrays.toString(ex) + " per example");
    }
    String[] own = recorded != null && recorded.contains("+") ? recorded.split("\\+", 2) : null;
    String scale = preprocess.equals("auto") ? (own != null ? own[1] : "unit") : preprocess;
    String how = resize.equals("auto") ? (own != null ? own[0] : "stretch") : resize;
    try {
      return new Preprocessing(how, scale, (int) w, (int) h, (int) c);
    } catch (IllegalArgumentException e) {
      throw GraftException.usage(e.getMessage());
    }
  }
}
