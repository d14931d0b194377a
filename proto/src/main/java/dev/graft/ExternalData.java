package dev.graft;

import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.StringStringEntryProto;
import dev.graft.onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX tensors may keep their data in files beside the model ("external data"). Before ONNX Runtime
 * opens any of them, graft checks that every such file resolves, symbolic links followed, inside
 * the model's own folder: path traversal through {@code ..}, absolute paths and links pointing
 * elsewhere (CVE-2022-25882, CVE-2024-27318) are refused.
 */
public final class ExternalData {
  private ExternalData() {}

  /** Parses an ONNX model file (the whole file is read: an ONNX protobuf is at most 2 GiB). */
  public static ModelProto parse(Path file) {
    try {
      return ModelProto.parseFrom(Files.readAllBytes(file));
    } catch (IOException | OutOfMemoryError e) {
      throw GraftException.badInput(
          file + ": not a readable ONNX model (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Parses a model file and refuses it unless its external data is safe to open: what every reader
   * of an ONNX file calls.
   */
  public static ModelProto parseChecked(Path file) {
    ModelProto model = parse(file);
    check(file, model);
    return model;
  }

  /**
   * Every external-data location the model names (initializers and tensors in attributes, subgraphs
   * too).
   */
  public static List<String> locations(ModelProto model) {
    List<String> out = new ArrayList<>();
    collect(model.getGraph(), out);
    model.getFunctionsList().forEach(f -> f.getNodeList().forEach(n -> collect(n, out)));
    return out;
  }

  private static void collect(GraphProto g, List<String> out) {
    g.getInitializerList().forEach(t -> collect(t, out));
    g.getSparseInitializerList()
        .forEach(
            s -> {
              collect(s.getValues(), out);
              collect(s.getIndices(), out);
            });
    g.getNodeList().forEach(n -> collect(n, out));
  }

  private static void collect(NodeProto n, List<String> out) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasT()) {
        collect(a.getT(), out);
      }
      a.getTensorsList().forEach(t -> collect(t, out));
      if (a.hasG()) {
        collect(a.getG(), out);
      }
      a.getGraphsList().forEach(g -> collect(g, out));
    }
  }

  private static void collect(TensorProto t, List<String> out) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      String location = null;
      for (StringStringEntryProto e : t.getExternalDataList()) {
        if (e.getKey().equals("location")) {
          location = e.getValue();
        }
      }
      out.add(location == null ? "" : location);
    }
  }

  /** Refuses the model unless every external-data file lies inside {@code modelFile}'s folder. */
  public static void check(Path modelFile, ModelProto model) {
    OnnxStructure.check(
        modelFile.toString(), model); // every reader comes through here or refuseAny
    List<String> locations = locations(model);
    if (locations.isEmpty()) {
      return;
    }
    Path folder;
    try {
      folder = modelFile.toAbsolutePath().getParent().toRealPath();
    } catch (IOException e) {
      throw GraftException.badInput(
          modelFile + ": cannot resolve the model's folder: " + e.getMessage(), e);
    }
    for (String location : locations) {
      String why = problem(folder, location);
      if (why != null) {
        throw GraftException.badInput(
            modelFile
                + ": refused: external data '"
                + location
                + "' "
                + why
                + " (external data must be a file inside the model's folder)");
      }
    }
  }

  /** For models given as bytes there is no folder: any external data is refused. */
  public static void refuseAny(String label, ModelProto model) {
    OnnxStructure.check(label, model);
    List<String> locations = locations(model);
    if (!locations.isEmpty()) {
      throw GraftException.badInput(
          label
              + ": refused: the model refers to external data "
              + locations
              + ", which a model given as bytes cannot resolve safely; load it from its file");
    }
  }

  private static String problem(Path folder, String location) {
    if (location.isEmpty()) {
      return "has no location";
    }
    if (location.indexOf('\0') >= 0) {
      return "contains a NUL character";
    }
    Path p = Path.of(location);
    if (p.isAbsolute()
        || location.startsWith("/")
        || location.startsWith("\\")
        || location.matches("^[A-Za-z]:.*")) {
      return "is an absolute path";
    }
    Path target = folder.resolve(p).normalize();
    if (!target.startsWith(folder)) {
      return "points outside the model's folder";
    }
    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return "does not exist";
    }
    try {
      Path real = target.toRealPath();
      if (!real.startsWith(folder)) {
        return "is a link to " + real + ", outside the model's folder";
      }
      if (!Files.isRegularFile(real)) {
        return "is not a regular file";
      }
    } catch (IOException e) {
      return "cannot be resolved (" + e.getMessage() + ")";
    }
    return null;
  }
}
