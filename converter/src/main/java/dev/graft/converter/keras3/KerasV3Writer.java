package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.converter.Network;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a DL4J layer stack as a Keras 3 {@code .keras} archive laid out as Keras 3.8 writes them:
 * stored (uncompressed) entries metadata.json, config.json and model.weights.h5; a Sequential
 * config with an InputLayer and each layer's get_config keys and build_config; weight groups {@code
 * layers/<class_in_snake_case>[_n]/vars/<i>} named by position, each {@code vars} group carrying
 * the layer's name. The optimizer's state is not written (load with compile=False).
 */
public final class KerasV3Writer {
  /** The Keras version whose layout is written. */
  public static final String KERAS_VERSION = "3.8.0";

  private KerasV3Writer() {}

  /** Writes atomically: on any failure no file is left behind. */
  public static void write(Network network, Path out) {
    Dl4jToKeras.Result stack = Dl4jToKeras.translate(network);
    String name =
        network.name() == null || network.name().isBlank() ? "sequential" : network.name();
    byte[] config = config(name, stack).toPrettyString().getBytes(StandardCharsets.UTF_8);
    byte[] metadata = metadata().getBytes(StandardCharsets.UTF_8);
    AtomicWrite.write(
        out,
        tmp -> {
          // The temporary file holds the weights first, then the archive that embeds them.
          Files.delete(tmp);
          writeWeights(tmp, name, stack.layers());
          byte[] weights = Files.readAllBytes(tmp);
          check(weights, name, stack.layers());
          try (OutputStream file = Files.newOutputStream(tmp);
              ZipOutputStream zip = new ZipOutputStream(file)) {
            stored(zip, "metadata.json", metadata);
            stored(zip, "config.json", config);
            stored(zip, "model.weights.h5", weights);
          }
        });
  }

  static ObjectNode config(String name, Dl4jToKeras.Result stack) {
    ArrayNode layers = KerasConfigs.JSON.createArrayNode();
    ObjectNode input = KerasConfigs.JSON.createObjectNode();
    input.set("batch_shape", KerasConfigs.batchShape(stack.inputShape()));
    input.put("dtype", "float32");
    input.put("sparse", false);
    input.put("name", "input_layer");
    layers.add(KerasConfigs.object("keras.layers", "InputLayer", input));
    for (KerasLayer layer : stack.layers()) {
      ObjectNode o = KerasConfigs.object("keras.layers", layer.className(), layer.config());
      o.set("build_config", buildConfig(layer.inputShape()));
      layers.add(o);
    }
    ObjectNode model = KerasConfigs.JSON.createObjectNode();
    model.put("name", name);
    model.put("trainable", true);
    model.set("dtype", KerasConfigs.dtypePolicy());
    model.set("layers", layers);
    model.set("build_input_shape", KerasConfigs.batchShape(stack.inputShape()));
    ObjectNode root = KerasConfigs.object("keras", "Sequential", model);
    root.set("build_config", buildConfig(stack.inputShape()));
    return root;
  }

  private static ObjectNode buildConfig(long[] inputShape) {
    ObjectNode b = KerasConfigs.JSON.createObjectNode();
    b.set("input_shape", KerasConfigs.batchShape(inputShape));
    return b;
  }

  private static String metadata() {
    String date = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss"));
    ObjectNode m = KerasConfigs.JSON.createObjectNode();
    m.put("keras_version", KERAS_VERSION);
    m.put("date_saved", date);
    return m.toString();
  }

  private static void writeWeights(Path file, String modelName, List<KerasLayer> layers) {
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.removeAttribute("_jHDF"); // Keras's files have no root attributes
      WritableGroup root = hdf.putGroup("layers");
      Map<String, Integer> counts = new HashMap<>();
      for (KerasLayer layer : layers) {
        WritableGroup group = root.putGroup(groupName(layer.className(), counts));
        WritableGroup vars = group.putGroup("vars");
        vars.putAttribute("name", layer.config().path("name").asText());
        for (int i = 0; i < layer.vars().size(); i++) {
          vars.putDataset(String.valueOf(i), layer.vars().get(i));
        }
        Map<String, WritableGroup> made = new HashMap<>();
        for (Map.Entry<String, List<Object>> nested : layer.nestedVars().entrySet()) {
          WritableGroup at = group;
          String path = "";
          for (String part : nested.getKey().split("/")) {
            path = path + "/" + part;
            WritableGroup parent = at;
            at = made.computeIfAbsent(path, k -> parent.putGroup(part));
          }
          WritableGroup inner = at.putGroup("vars");
          for (int i = 0; i < nested.getValue().size(); i++) {
            inner.putDataset(String.valueOf(i), nested.getValue().get(i));
          }
        }
      }
      hdf.putGroup("vars").putAttribute("name", modelName);
      // jHDF 0.9.4 writes its closing block where the last dataset's data ended, over any group
      // written after it (here the root "vars"). A root dataset that jHDF writes last (its children
      // are in a ConcurrentHashMap: this name comes after "layers" and "vars") keeps that block at
      // the end. Keras never reads it. check() below catches any change of that order.
      hdf.putDataset(TRAILER, new int[] {1});
    }
  }

  /** Reads the weights file back: every group, name and shape where Keras will look for it. */
  private static void check(byte[] weights, String modelName, List<KerasLayer> layers) {
    try (HdfFile hdf = HdfFile.fromBytes(weights)) {
      Map<String, Integer> counts = new HashMap<>();
      for (KerasLayer layer : layers) {
        String path = "layers/" + groupName(layer.className(), counts) + "/vars";
        Group vars = (Group) hdf.getByPath(path);
        if (!layer.config().path("name").asText().equals(vars.getAttribute("name").getData())) {
          throw new IllegalStateException(path + " has the wrong name");
        }
        checkShapes(vars, path, layer.vars());
        String group = path.substring(0, path.length() - "/vars".length());
        for (Map.Entry<String, List<Object>> nested : layer.nestedVars().entrySet()) {
          String inner = group + "/" + nested.getKey() + "/vars";
          checkShapes((Group) hdf.getByPath(inner), inner, nested.getValue());
        }
      }
      if (!modelName.equals(((Group) hdf.getByPath("vars")).getAttribute("name").getData())) {
        throw new IllegalStateException("vars has the wrong name");
      }
    } catch (RuntimeException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE,
          "the HDF5 writer (jHDF) produced a model.weights.h5 that does "
              + "not read back ("
              + e.getMessage()
              + "); nothing was written",
          e);
    }
  }

  private static void checkShapes(Group vars, String path, List<Object> expected) {
    for (int i = 0; i < expected.size(); i++) {
      Dataset d = (Dataset) vars.getChild(String.valueOf(i));
      if (!java.util.Arrays.equals(d.getDimensions(), dimensions(expected.get(i)))) {
        throw new IllegalStateException(path + "/" + i + " has the wrong shape");
      }
    }
  }

  private static int[] dimensions(Object array) {
    List<Integer> dims = new java.util.ArrayList<>();
    for (Object a = array;
        a != null && a.getClass().isArray();
        a = java.lang.reflect.Array.getLength(a) > 0 ? java.lang.reflect.Array.get(a, 0) : null) {
      dims.add(java.lang.reflect.Array.getLength(a));
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The extra root dataset of {@link #writeWeights}; Keras reads only "layers", "vars" and
   * "optimizer".
   */
  static final String TRAILER = "written_by_graft";

  /**
   * Keras's names for weight groups: the class in snake case, numbered by position (dense, dense_1,
   * ...).
   */
  static String groupName(String className, Map<String, Integer> counts) {
    String snake = snakeCase(className);
    int n = counts.merge(snake, 1, Integer::sum) - 1;
    return n == 0 ? snake : snake + "_" + n;
  }

  /** Keras's to_snake_case, which names weight groups after the layer's class. */
  static String snakeCase(String cls) {
    return cls.replaceAll("\\W+", "")
        .replaceAll("(.)([A-Z][a-z]+)", "$1_$2")
        .replaceAll("([a-z])([A-Z])", "$1_$2")
        .toLowerCase(java.util.Locale.ROOT);
  }

  private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }
}
