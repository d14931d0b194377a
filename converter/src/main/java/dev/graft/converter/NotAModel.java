package dev.graft.converter;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Names what a file that is not a model file graft reads most likely is, from its first bytes, so
 * the user learns what went wrong (a Git LFS pointer, a saved web page, another framework's file)
 * and what to do, instead of a parse error.
 */
final class NotAModel {
  private NotAModel() {}

  /** What the file is, with advice, or null when its first bytes say nothing known. */
  static String describe(byte[] head, int n) {
    if (n == 0) {
      return "an empty file";
    }
    String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
    String lower = text.stripLeading().toLowerCase(Locale.ROOT);
    if (text.startsWith("version https://git-lfs.github.com/spec")) {
      return "a Git LFS pointer, not the model: fetch the file itself (git lfs pull, or the"
          + " repository's download link)";
    }
    if (lower.startsWith("<!doctype html")
        || lower.startsWith("<html")
        || lower.startsWith("<?xml")
        || lower.startsWith("<head")
        || lower.startsWith("<!--")) {
      return "an HTML or XML page, not the model (a browser or a blob link saved the page around"
          + " the file): download the raw file";
    }
    if (lower.startsWith("{") || lower.startsWith("[")) {
      return "JSON text (an architecture without weights, or a TensorFlow.js model.json): save the"
          + " whole model from Keras with model.save(\"model.keras\")";
    }
    if (n >= 8 && text.startsWith("TFL3", 4)) {
      return "a TensorFlow Lite model: graft reads Keras, ONNX and Deeplearning4j files (convert"
          + " the original Keras model, or the TFLite file with tf2onnx)";
    }
    if ((head[0] & 0xff) == 0x80 && n > 1 && head[1] >= 2 && head[1] <= 5) {
      return "a Python pickle (a PyTorch or scikit-learn file): export PyTorch models to ONNX"
          + " with torch.onnx.export";
    }
    return null;
  }

  /** What a zip that is neither a Keras archive nor a DL4J network most likely is. */
  static String describeZip(java.util.zip.ZipFile zip) {
    boolean pickle =
        zip.stream()
            .anyMatch(e -> e.getName().endsWith("data.pkl") || e.getName().endsWith(".pkl"));
    if (pickle) {
      return "a PyTorch checkpoint (a zip holding data.pkl): export it to ONNX with"
          + " torch.onnx.export, then give graft the .onnx";
    }
    if (zip.getEntry("saved_model.pb") != null
        || zip.stream().anyMatch(e -> e.getName().endsWith("/saved_model.pb"))) {
      return "a zipped TensorFlow SavedModel: load it in Keras and save it with"
          + " model.save(\"model.keras\"), or convert it with tf2onnx";
    }
    return null;
  }
}
