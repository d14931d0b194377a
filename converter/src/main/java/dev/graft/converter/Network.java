package dev.graft.converter;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Deeplearning4j network together with what graft knows about where it came from: the source file
 * and its hash, the format, and the shape of one input example (no batch dimension), in the layout
 * the source framework used (Keras: channels last). A Functional model may have several inputs and
 * outputs: {@link #inputShapes}, {@link #inputNames}, {@link #outputNames} and {@link #outputs}
 * cover them; the single-input methods refuse such a model with a clear error.
 */
public final class Network {
  private final Model model;
  private final String name;
  private final Path source;
  private final ModelFormat format;
  private final String sourceSha256;
  private final List<long[]> inputShapes;
  private final String producer;
  private final Inputs about;

  /**
   * What graft knows of a network's inputs and outputs beyond DL4J's configuration.
   *
   * @param classNames the output classes' names, in output order; empty when unknown
   * @param maskZeroInput whether token 0 of the input is padding that inference masks
   * @param preprocessing how images become its input ("crop+tf"), or null when unknown
   */
  private record Inputs(List<String> classNames, boolean maskZeroInput, String preprocessing) {
    Inputs {
      classNames = List.copyOf(classNames);
    }
  }

  public Network(
      Model model,
      String name,
      Path source,
      ModelFormat format,
      String sourceSha256,
      long[] inputShape,
      String producer) {
    this(model, name, source, format, sourceSha256, List.of(inputShape), producer);
  }

  /** A network with one example shape per input, in the order of the graph's inputs. */
  public Network(
      Model model,
      String name,
      Path source,
      ModelFormat format,
      String sourceSha256,
      List<long[]> inputShapes,
      String producer) {
    this(
        model,
        name,
        source,
        format,
        sourceSha256,
        inputShapes,
        producer,
        new Inputs(List.of(), false, null));
  }

  private Network(
      Model model,
      String name,
      Path source,
      ModelFormat format,
      String sourceSha256,
      List<long[]> inputShapes,
      String producer,
      Inputs about) {
    if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
      throw new IllegalArgumentException("not a DL4J network: " + model.getClass());
    }
    this.model = model;
    this.name = name;
    this.source = source;
    this.format = format;
    this.sourceSha256 = sourceSha256;
    if (inputShapes.isEmpty()) {
      throw new IllegalArgumentException("a network needs an input");
    }
    this.inputShapes = inputShapes.stream().map(long[]::clone).toList();
    this.producer = producer;
    this.about = about;
  }

  /** The same provenance around another DL4J network (after fine-tuning, say). */
  public Network withModel(Model other) {
    return new Network(other, name, source, format, sourceSha256, inputShapes, producer, about);
  }

  private Network with(Inputs other) {
    return new Network(model, name, source, format, sourceSha256, inputShapes, producer, other);
  }

  /** The same network with names for its output classes (from labels.txt, or a saved model). */
  public Network withClassNames(List<String> names) {
    return with(new Inputs(names, about.maskZeroInput(), about.preprocessing()));
  }

  /**
   * The same network, whose input is token ids with 0 as padding (Keras's Embedding with
   * mask_zero=True): inference masks those steps, as Keras does.
   */
  public Network withMaskZeroInput(boolean mask) {
    return with(new Inputs(about.classNames(), mask, about.preprocessing()));
  }

  /**
   * The same network with the preprocessing its images need ("crop+tf": resize method and scaling,
   * see dev.graft.data.Preprocessing), recorded in every file graft writes from it.
   */
  public Network withPreprocessing(String preprocessing) {
    return with(new Inputs(about.classNames(), about.maskZeroInput(), preprocessing));
  }

  /** Whether token 0 of the input is padding that inference masks. */
  public boolean masksZeroInput() {
    return about.maskZeroInput();
  }

  /** The names of the output classes, in output order; empty when the model does not say. */
  public List<String> classNames() {
    return about.classNames();
  }

  /** How images become its input ("crop+tf"), or null when the model does not say. */
  public String preprocessing() {
    return about.preprocessing();
  }

  public Model model() {
    return model;
  }

  public String name() {
    return name;
  }

  public Path source() {
    return source;
  }

  /** The source file, or the name for networks built in memory: for messages. */
  public String label() {
    return source != null ? source.toString() : name;
  }

  public ModelFormat format() {
    return format;
  }

  public String sourceSha256() {
    return sourceSha256;
  }

  /** Shape of one example, without the batch dimension (a single-input model's). */
  public long[] inputShape() {
    return single("its input shape").clone();
  }

  /** Shape of one example of each input, in the order of {@link #inputNames}. */
  public List<long[]> inputShapes() {
    return inputShapes.stream().map(long[]::clone).toList();
  }

  /** The inputs' names (a Sequential model's one input is called "input"). */
  public List<String> inputNames() {
    return model instanceof ComputationGraph cg
        ? cg.getConfiguration().getNetworkInputs()
        : List.of("input");
  }

  /** The outputs' names (a Sequential model's one output is its last layer's). */
  public List<String> outputNames() {
    if (model instanceof ComputationGraph cg) {
      return cg.getConfiguration().getNetworkOutputs();
    }
    List<String> names = layerNames();
    return List.of(names.get(names.size() - 1));
  }

  /** Number of values in one example. */
  public long inputSize() {
    return Arrays.stream(single("its input size")).reduce(1, (a, b) -> a * b);
  }

  private long[] single(String what) {
    if (inputShapes.size() != 1) {
      throw GraftException.unsupported(
          label()
              + ": has "
              + counted(inputShapes.size(), "input", inputNames())
              + ": "
              + what
              + " is not one shape; give one array per input");
    }
    return inputShapes.get(0);
  }

  /** Who wrote the source file, e.g. "Keras 2.4.0". */
  public String producer() {
    return producer;
  }

  public boolean isSequential() {
    return model instanceof MultiLayerNetwork;
  }

  /** The network as a layer stack; Functional (graph) models are refused with a clear error. */
  public MultiLayerNetwork sequential() {
    if (model instanceof MultiLayerNetwork mln) {
      return mln;
    }
    throw GraftException.unsupported(
        label()
            + ": is a Functional (graph) model; this operation "
            + "needs a Sequential model (a plain stack of layers)");
  }

  public List<Layer> layers() {
    Layer[] layers =
        model instanceof MultiLayerNetwork mln
            ? mln.getLayers()
            : ((ComputationGraph) model).getLayers();
    return List.of(layers);
  }

  public List<String> layerNames() {
    List<String> names = new ArrayList<>();
    for (Layer layer : layers()) {
      names.add(layer.conf().getLayer().getLayerName());
    }
    return names;
  }

  public int outputSize() {
    // ones, not zeros: a masking input's token 0 is padding
    INDArray out = output(Nd4j.ones(DataType.FLOAT, batchShape(1)));
    return (int) out.size(1);
  }

  /** Shape of a batch of n examples. */
  public long[] batchShape(long n) {
    return batchShape(single("its batch shape"), n);
  }

  /** Shape of a batch of n examples of an example shape. */
  public static long[] batchShape(long[] example, long n) {
    long[] shape = new long[example.length + 1];
    shape[0] = n;
    System.arraycopy(example, 0, shape, 1, example.length);
    return shape;
  }

  /** Inference (dropout off) on a batch shaped like {@link #batchShape}. */
  public INDArray output(INDArray batch) {
    single("its input");
    // DL4J may compute a first activation layer in place: the caller's array must not change.
    batch = batch.dup();
    if (model instanceof MultiLayerNetwork mln) {
      return maskedOutput(mln, batch);
    }
    ComputationGraph cg = (ComputationGraph) model;
    if (cg.getNumOutputArrays() != 1) {
      throw GraftException.unsupported(
          label()
              + ": has "
              + counted(cg.getNumOutputArrays(), "output", outputNames())
              + ": ask for all of them");
    }
    return cg.outputSingle(false, batch);
  }

  /**
   * Inference (dropout off) with one batch per input, in the order of {@link #inputNames}: one
   * array per output, in the order of {@link #outputNames}.
   */
  public INDArray[] outputs(INDArray... batches) {
    if (batches.length != inputShapes.size()) {
      throw GraftException.usage(
          label()
              + ": has "
              + counted(inputShapes.size(), "input", inputNames())
              + ", "
              + batches.length
              + " arrays were given");
    }
    INDArray[] copies = new INDArray[batches.length];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = batches[i].dup(); // as in output(): inputs stay as given
    }
    if (model instanceof MultiLayerNetwork mln) {
      return new INDArray[] {maskedOutput(mln, copies[0])};
    }
    return ((ComputationGraph) model).output(false, copies);
  }

  /** Inference on examples given as flat rows (n x inputSize), reshaped to the model's input. */
  public INDArray outputFlat(INDArray rows) {
    return output(rows.reshape('c', batchShape(rows.size(0))));
  }

  /**
   * Inference on a stack, with the input's padding mask when it has one. DL4J passes a features
   * mask down the stack but its LSTM and SimpleRnn do not keep it (their feedForwardMaskArray only
   * passes it on): those get the input's mask directly, which is theirs, as only dropout and
   * recurrent layers come between the Embedding and them.
   */
  private INDArray maskedOutput(MultiLayerNetwork mln, INDArray batch) {
    INDArray mask = zeroMask(batch);
    if (mask == null) {
      return mln.output(batch, false);
    }
    INDArray tokens = mask.sum(1);
    for (long i = 0; i < tokens.length(); i++) {
      if (tokens.getDouble(i) == 0) {
        throw GraftException.badInput(
            label() + ": example " + i + " is all padding (token 0): nothing to run the model on");
      }
    }
    synchronized (mln) {
      mln.setLayerMaskArrays(mask, null);
      for (Layer layer : mln.getLayers()) {
        if (layer.getMaskArray() == null
            && (layer instanceof org.deeplearning4j.nn.layers.recurrent.LSTM
                || layer instanceof org.deeplearning4j.nn.layers.recurrent.SimpleRnn)) {
          layer.setMaskArray(mask);
        }
      }
      try {
        return mln.output(batch, false);
      } finally {
        mln.clearLayerMaskArrays();
      }
    }
  }

  /** For a masking input: 1 where a token is not 0, per example and step; else null. */
  private INDArray zeroMask(INDArray ids) {
    if (!about.maskZeroInput()) {
      return null;
    }
    return ids.neq(0).castTo(ids.dataType()).reshape(ids.size(0), ids.size(1));
  }

  /** "2 inputs (wide_input, deep_input)", for messages. */
  private static String counted(int n, String noun, List<String> names) {
    return n + " " + noun + (n == 1 ? "" : "s") + " (" + String.join(", ", names) + ")";
  }
}
