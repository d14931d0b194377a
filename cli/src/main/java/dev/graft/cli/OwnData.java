package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.data.ArrayData;
import dev.graft.data.ArrayScaling;
import dev.graft.data.ImageFolder;
import dev.graft.data.LabelledArrays;
import dev.graft.data.Preprocessing;
import dev.graft.trainer.data.ArrayTask;
import dev.graft.trainer.data.ImageFolderTask;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's own labelled data for finetune, prepared for one base model: a folder of images
 * (decoded and preprocessed as the model expects) or labelled arrays (fitted to its input, integer
 * pixels scaled as its images are). What travels with the result: the class names, the images'
 * preprocessing ("resize+scale", null for arrays), and a record of the source.
 */
record OwnData(
    TaskData data,
    List<String> classNames,
    String preprocessing,
    String recordKey,
    ObjectNode source,
    String summary) {

  /**
   * {@code inputShape}: one example as the model takes it; {@code recorded}: the preprocessing the
   * model records (null: none).
   */
  static OwnData load(
      Path base,
      Path imageDir,
      ArrayData arrays,
      Path arraysPath,
      long[] inputShape,
      String recorded,
      double valSplit,
      long seed,
      boolean skipBad) {
    ObjectNode source = Json.object();
    if (imageDir != null) {
      Preprocessing pre = ImagePreprocessing.forModel(base, inputShape, recorded, "auto", "auto");
      ImageFolder folder = ImageFolder.scan(imageDir, valSplit, seed);
      String name = imageDir.getFileName().toString();
      List<Path> unreadable = skipBad ? new ArrayList<>() : null;
      TaskData data = ImageFolderTask.load(folder, pre, name, unreadable);
      String test = folder.test() == null ? "the validation images" : "" + folder.test().size();
      source.put("path", imageDir.toString());
      source.putPOJO("classes", folder.classes());
      source.put("train", data.train().size());
      source.put("validation", data.valid().size());
      source.put("test", test);
      source.put("skipped_files", folder.skipped());
      int bad = unreadable == null ? 0 : unreadable.size();
      source.put("unreadable_images_skipped", bad);
      source.put("preprocessing", pre.toString());
      return new OwnData(
          data,
          folder.classes(),
          pre.resize() + "+" + pre.scale(),
          "image_folder",
          source,
          String.format(
              "images in %s: classes %s; %d training, %d validation, %s test images"
                  + " (%d other files skipped%s); preprocessed %s",
              imageDir,
              folder.classes(),
              data.train().size(),
              data.valid().size(),
              folder.test() == null ? "the validation images as" : test,
              folder.skipped(),
              bad == 0 ? "" : ", " + bad + " unreadable images left out, e.g. " + unreadable.get(0),
              pre));
    }
    ArrayScaling scaling = ArrayScaling.of(arrays.train().integerFeatures(), recorded, "auto");
    TaskData data =
        ArrayTask.load(
            arrays, inputShape, scaling, valSplit, seed, FinetuneCommand.stem(arraysPath));
    int k = data.task().numClasses();
    List<String> classes =
        arrays.train().classNames().size() == k
            ? arrays.train().classNames()
            : LabelledArrays.numbered(k);
    String test = arrays.test() == null ? "the validation examples" : "" + data.test().size();
    source.put("path", arraysPath.toString());
    source.putPOJO("classes", classes);
    source.put("train", data.train().size());
    source.put("validation", data.valid().size());
    source.put("test", test);
    source.put("scaling", scaling.toString());
    return new OwnData(
        data,
        classes,
        null,
        "arrays",
        source,
        String.format(
            "arrays in %s: classes %s; %d training, %d validation, %s test examples;"
                + " values scaled %s",
            arraysPath,
            classes,
            data.train().size(),
            data.valid().size(),
            arrays.test() == null ? "the validation examples as" : test,
            scaling));
  }
}
