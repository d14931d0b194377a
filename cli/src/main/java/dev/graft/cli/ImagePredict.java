package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.data.ImageFiles;
import dev.graft.data.Npy;
import dev.graft.data.PredictionCsv;
import dev.graft.data.Preprocessing;
import dev.graft.trainer.data.ExampleStream;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.ImageExamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graft predict MODEL --input DIR|IMAGE}: every image decoded and preprocessed as the model
 * expects (its input size and channels; Teachable Machine's convention when its labels.txt lies
 * beside the model, else Keras's bilinear resize and x/255, unless told), one row per file with the
 * top classes by name. Writes .csv, .json or .npy by the output's extension.
 */
final class ImagePredict {
  private final LoadedModel loaded;
  private final Path model;
  private final CommandSpec spec;

  ImagePredict(LoadedModel loaded, Path model, CommandSpec spec) {
    this.loaded = loaded;
    this.model = model;
    this.spec = spec;
  }

  /** Whether {@code --input} names images (a folder, or an image file) rather than an array. */
  static boolean isImages(Path input) {
    try {
      return Files.isDirectory(input)
          || (Files.isRegularFile(input) && dev.graft.data.ImageFormats.sniff(input) != null);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** {@code skipBad}: leave out images that cannot be decoded, counted, instead of stopping. */
  int run(
      Path input,
      Path output,
      String preprocess,
      String resize,
      int batchSize,
      int topK,
      boolean skipBad,
      boolean json) {
    String ext = extension(output);
    if (!List.of("csv", "json", "npy").contains(ext)) {
      throw GraftException.usage("--output for images: a .csv, .json or .npy file, not " + output);
    }
    ImageFiles images = ImageFiles.collect(input);
    long[] ex = loaded.classifier().exampleShape();
    Preprocessing pre =
        Preprocessing.forModel(model.toString(), ex, loaded.preprocessing(), preprocess, resize);
    // decoded on a bounded pool a few batches ahead of the model, never all at once
    ImageExamples examples =
        ImageExamples.unlabelled(images.files(), pre, ex, skipBad, input.toString());
    Examples predicted =
        examples.through(loaded.classifier()::predict, batchSize, ExampleStream.Progress.NONE);
    List<Path> kept = new ArrayList<>(images.files());
    kept.removeAll(new java.util.HashSet<>(examples.leftOutFiles()));
    int n = kept.size();
    int outputs = predicted.featureCount();
    float[] y = predicted.features();
    List<String> classes = PredictionCsv.classNames(loaded.classNames(), outputs);
    write(output, ext, kept, y, outputs, classes, topK);
    int unreadable = images.files().size() - n;
    report(images, n, unreadable, pre, output, TopClassCounts.of(y, n, classes), json);
    return 0;
  }

  private static void write(
      Path output,
      String ext,
      List<Path> files,
      float[] y,
      int outputs,
      List<String> classes,
      int topK) {
    int n = files.size();
    if (ext.equals("npy")) {
      Npy.write(output, y, new long[] {n, outputs});
      return;
    }
    String text;
    if (ext.equals("csv")) {
      StringBuilder sb = new StringBuilder(PredictionCsv.header(classes));
      for (int i = 0; i < n; i++) {
        sb.append(PredictionCsv.row(files.get(i).toString(), y, i * outputs, classes));
      }
      text = sb.toString();
    } else {
      ArrayNode rows = Json.MAPPER.createArrayNode();
      for (int i = 0; i < n; i++) {
        ObjectNode row = rows.addObject();
        row.put("file", files.get(i).toString());
        ArrayNode topList = row.putArray("top");
        for (int c : PredictionCsv.top(y, i * outputs, outputs, Math.min(topK, outputs))) {
          topList.addObject().put("class", classes.get(c)).put("probability", y[i * outputs + c]);
        }
      }
      text = rows.toPrettyString() + "\n";
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    AtomicWrite.write(output, tmp -> Files.write(tmp, bytes));
  }

  private void report(
      ImageFiles images,
      int n,
      int unreadable,
      Preprocessing pre,
      Path output,
      TopClassCounts counts,
      boolean json) {
    var o = spec.commandLine().getOut();
    if (json) {
      ObjectNode j = Json.object();
      j.put("model", model.toString());
      j.put("n", n);
      j.put("skipped", images.skipped());
      j.put("unreadable_images_skipped", unreadable);
      j.put("preprocessing", pre.toString());
      j.put("output", output.toString());
      counts.addTo(j);
      Json.print(o, j);
      return;
    }
    o.printf(
        "%s: %d images (%d other files skipped%s), preprocessed %s -> %s%ntop class: %s%n",
        model,
        n,
        images.skipped(),
        unreadable == 0 ? "" : ", " + unreadable + " unreadable images left out",
        pre,
        output,
        counts.text());
    o.flush();
  }

  private static String extension(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1);
  }
}
