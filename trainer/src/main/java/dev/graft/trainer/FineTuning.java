package dev.graft.trainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.ExternalData;
import dev.graft.GraftException;
import dev.graft.MetadataKeys;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.runtime.ActivationCache;
import dev.graft.runtime.GraphCut;
import dev.graft.runtime.GraphPrune;
import dev.graft.runtime.ModelMetadata;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.runtime.TensorInfo;
import dev.graft.trainer.data.DataSource;
import dev.graft.trainer.data.LabelledData;
import dev.graft.trainer.data.TaskStreams;
import java.nio.file.Path;
import java.util.List;

/**
 * graft's one fine-tune entry: a pretrained base (Keras .h5/.keras, graft/DL4J zip, ONNX), the
 * user's labelled data, and how to train; {@link #run()} reads the base, checks where the result
 * goes, reads the data as the base expects it, trains and returns one {@link FineTuned}.
 *
 * <pre>{@code
 * FineTuned tuned = FineTuning.builder()
 *     .base(Path.of("keras_model.h5"))
 *     .data(DataSource.imageFolder(Path.of("photos")))
 *     .out(Path.of("mine.onnx"))
 *     .build()
 *     .run();
 * System.out.println(tuned.test().accuracy());
 * }</pre>
 *
 * <p>Three paths, chosen from the base and the options: a Keras or DL4J base is copied, its top
 * layers replaced by the new head, trained with the reused layers frozen and then unfrozen (the
 * chapter's recipe); with a {@code cut} (or by default on the user's own data) the frozen trunk
 * runs once in ONNX Runtime and the head trains on its cached activations; an ONNX base stays ONNX
 * (its trunk is never converted, so it may hold operators graft cannot import) and the result is
 * one stitched ONNX model. Unless epochs are chosen, a head on cached activations or on the user's
 * own data trains to convergence (early stopping on the validation loss).
 */
public final class FineTuning {
  private final Builder b;

  private FineTuning(Builder b) {
    this.b = b.copy();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return b.copy();
  }

  /** Trains, saves to {@link Builder#out} when given, and returns the result. */
  public FineTuned run() {
    FineTuned tuned;
    if (b.network == null && ModelFormat.detect(b.base) == ModelFormat.ONNX && !b.noCache) {
      // the base is checked first (a hostile file is refused as such), then out, then the data
      ModelProto base = ExternalData.parseChecked(b.base);
      tuned =
          onOnnxTrunk(
              base,
              b.base.toString(),
              dev.graft.Sha256.hex(b.base),
              (base.getProducerName() + " " + base.getProducerVersion()).trim());
    } else {
      Network base = b.network != null ? b.network : ModelLoader.load(b.base);
      if (base.inputNames().size() > 1 || base.outputNames().size() > 1) {
        // several inputs or outputs: the trunk runs in ONNX Runtime (DL4J trains one input)
        if (b.noCache) {
          throw GraftException.parameter(
              "noCache",
              base.label()
                  + " has several inputs or outputs; such a base fine-tunes on the cached path"
                  + " only (its trunk in ONNX Runtime, the result one stitched ONNX model)");
        }
        tuned =
            onOnnxTrunk(
                OnnxExporter.export(base, ExportOptions.defaults()),
                base.label(),
                base.sourceSha256(),
                base.producer());
      } else {
        tuned = onNetwork(base);
      }
    }
    if (b.out != null) {
      tuned.save(b.out);
    }
    return tuned;
  }

  /** Keras and DL4J bases (and ONNX ones with noCache, imported as DL4J layers). */
  private FineTuned onNetwork(Network base) {
    if (b.keepUpper) {
      throw GraftException.parameter(
          "keepUpper", "is for an ONNX base with its trunk kept in ONNX Runtime");
    }
    if (b.output != null && !base.outputNames().contains(b.output)) {
      throw GraftException.parameter(
          "output", "'" + b.output + "' is not one of the model's outputs " + base.outputNames());
    }
    if (b.out != null) {
      FineTuned.checkTarget(b.out, false);
    }
    LabelledData labelled = b.data.prepare(base.label(), base.inputShape(), base.preprocessing());
    HeadDefaults.Chosen chosen =
        HeadDefaults.apply(
            b.options,
            !b.noCache && b.cut != null,
            labelled.own(),
            labelled.streams().train().count());
    FineTuneOptions options = chosen.options();
    if (chosen.converges()) {
      b.listener.note(chosen.note());
    }
    // a head trained to convergence trains on the trunk's cached activations, as a cut just below
    // the head would: the trunk runs once
    String cut =
        b.cut == null && chosen.converges() && options.freeze() == null && !b.noCache
            ? CachedFineTuner.belowHead(base)
            : b.cut;
    boolean cached = cut != null && !b.noCache;
    boolean[] hit = {false};
    // on cached activations the examples stream through the trunk once; otherwise every layer
    // trains on them, all in memory
    FineTuneResult result =
        cached
            ? CachedFineTuner.fineTune(
                base, cut, labelled.streams(), options, cache(), b.listener, hit)
            : FineTuner.fineTune(
                base,
                labelled.data(),
                cut != null ? dropAbove(base, cut, options) : options,
                b.listener);
    ObjectNode record = FineTuneRecord.describe(base, labelled.streams(), options, result);
    addSource(record, labelled);
    record.put("cut", cached ? cut : null);
    Network tuned = result.network();
    if (labelled.own() && !labelled.classNames().isEmpty()) {
      // the class names and the images' preprocessing travel with the model
      tuned = tuned.withClassNames(labelled.classNames());
      if (labelled.preprocessing() != null) {
        tuned = tuned.withPreprocessing(labelled.preprocessing());
      }
    }
    return new FineTuned(tuned, null, result, cached ? cut : null, hit[0], record, labelled);
  }

  /**
   * An ONNX base (or one with several inputs or outputs, exported to ONNX): the trunk runs in ONNX
   * Runtime, its activations cached; one stitched model. {@code label}, {@code sha256} and {@code
   * producer} describe the base in the record.
   */
  private FineTuned onOnnxTrunk(ModelProto whole, String label, String sha256, String producer) {
    ModelProto base = oneOutput(whole, label);
    if (b.out != null) {
      FineTuned.checkTarget(b.out, true);
    }
    if (!b.keepUpper && b.options.freeze() != null) {
      throw GraftException.parameter(
          "freeze",
          "does not apply to an ONNX trunk, which stays frozen in ONNX Runtime: keepUpper trains"
              + " its layers above the cut, noCache imports it all as trainable layers");
    }
    if (!b.keepUpper && b.options.dropTop() != 1) {
      throw GraftException.parameter(
          "dropTop",
          "does not apply to an ONNX trunk: name the tensor the new head goes on with cut");
    }
    LabelledData labelled;
    if (b.data.own()) {
      // the user's images and arrays are fitted to the model's input: a session tells its shape
      try (OnnxModel m = OnnxModel.load(base.toByteArray(), b.runtime)) {
        // a base with several inputs takes arrays named as its inputs, even when the output kept
        // reads only one of them
        labelled =
            GraphPrune.inputs(whole).size() > 1
                ? b.data.prepareInputs(
                    label,
                    m.inputs().stream().map(TensorInfo::name).toList(),
                    m.inputs().stream()
                        .map(t -> java.util.Arrays.copyOfRange(t.shape(), 1, t.shape().length))
                        .toList())
                : b.data.prepare(label, m.exampleShape(), m.preprocessing());
      }
    } else {
      labelled = b.data.prepare(label, null, null); // a task's pixels as they are
    }
    TaskStreams data = labelled.streams();
    HeadDefaults.Chosen chosen =
        HeadDefaults.apply(b.options, !b.keepUpper, labelled.own(), data.train().count());
    if (chosen.converges()) {
      b.listener.note(chosen.note());
    }
    FineTuneOptions options = chosen.options();
    String cut = b.cut != null ? b.cut : GraphCut.belowHead(base);
    ActivationCache cache = cache();
    CachedFineTuner.Result r =
        b.keepUpper
            ? CachedFineTuner.trainUpper(base, cut, data, options, cache, b.runtime, b.listener)
            : CachedFineTuner.train(
                base, cut, data, headOnly(options), cache, b.runtime, b.listener);
    ModelProto stitched = r.stitched();
    if (labelled.own() && !labelled.classNames().isEmpty()) {
      stitched =
          ModelMetadata.with(
              stitched, MetadataKeys.CLASS_NAMES, String.join("\n", labelled.classNames()));
      if (labelled.preprocessing() != null) {
        stitched =
            ModelMetadata.with(stitched, MetadataKeys.PREPROCESSING, labelled.preprocessing());
      }
    }
    List<String> trunk = r.trunk().getGraph().getNodeList().stream().map(FineTuning::name).toList();
    FineTuneResult result =
        new FineTuneResult(
            r.head(),
            r.history(),
            trunk,
            trunk,
            CachedFineTuner.headOf(options, data.task()),
            r.test());
    ObjectNode record = FineTuneRecord.describe(label, sha256, producer, data, options, result);
    addSource(record, labelled);
    record.put("cut", r.cutTensor());
    record.put("kept_upper_layers", b.keepUpper);
    record.put("output", GraphPrune.outputs(base).get(0));
    if (GraphPrune.outputs(whole).size() > 1) {
      var dropped = record.putArray("dropped_outputs");
      GraphPrune.outputs(whole).stream()
          .filter(o -> !o.equals(GraphPrune.outputs(base).get(0)))
          .forEach(dropped::add);
    }
    var keys = record.putArray("cache_keys");
    r.cacheKeys().forEach(keys::add);
    return new FineTuned(
        null, stitched, result, r.cutTensor(), CachedFineTuner.allHits(r), record, labelled);
  }

  /**
   * The part of the base that computes the output whose head is replaced: {@link Builder#output},
   * which a base with several outputs needs; the others are dropped.
   */
  private ModelProto oneOutput(ModelProto whole, String label) {
    List<String> outputs = GraphPrune.outputs(whole);
    if (b.output == null) {
      if (outputs.size() > 1) {
        throw GraftException.parameter(
            "output",
            "names the output whose head is replaced: "
                + label
                + " has "
                + outputs.size()
                + " "
                + outputs
                + " (the others are dropped)");
      }
      return whole;
    }
    return GraphPrune.toOutput(whole, b.output);
  }

  /** An ONNX trunk cannot be unfrozen: every epoch trains the head on the cached activations. */
  private static FineTuneOptions headOnly(FineTuneOptions o) {
    return o.toBuilder().freezeEpochs(o.freezeEpochs() + o.epochs()).epochs(0).build();
  }

  /** cut with noCache: the plain path, with every layer up to the cut reused. */
  private static FineTuneOptions dropAbove(Network base, String cut, FineTuneOptions options) {
    int index = base.layerNames().indexOf(cut);
    if (index < 0) {
      throw GraftException.parameter(
          "cut", "'" + cut + "' names no layer; layers: " + base.layerNames());
    }
    return options.toBuilder().dropTop(base.layerNames().size() - index - 1).build();
  }

  private ActivationCache cache() {
    return new ActivationCache(ActivationCache.defaultDir(b.cacheDir));
  }

  private static void addSource(ObjectNode record, LabelledData labelled) {
    ObjectNode source = labelled.source(); // after training: it counts what the passes kept
    if (source != null) {
      record.set(labelled.sourceKind(), source);
    }
  }

  private static String name(NodeProto node) {
    return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
  }

  /** What to fine-tune, on what, and how; {@link #base} and {@link #data} are required. */
  public static final class Builder {
    private Path base;
    private Network network;
    private DataSource data;
    private FineTuneOptions options = FineTuneOptions.builder().build();
    private String cut;
    private boolean keepUpper;
    private boolean noCache;
    private Path cacheDir;
    private ModelOptions runtime = ModelOptions.defaults();
    private TrainingListener listener = TrainingListener.NONE;
    private Path out;
    private String output;

    private Builder() {}

    /** The pretrained model's file: Keras .h5 or .keras, graft/DL4J .zip, or ONNX. */
    public Builder base(Path file) {
      this.base = file;
      this.network = null;
      return this;
    }

    /** A base already loaded ({@link ModelLoader#load}). */
    public Builder base(Network loaded) {
      this.network = loaded;
      this.base = null;
      return this;
    }

    public Builder data(DataSource source) {
      this.data = source;
      return this;
    }

    public Builder options(FineTuneOptions o) {
      this.options = o;
      return this;
    }

    /**
     * Train the head on cached activations of everything up to this layer (or, for an ONNX base,
     * this tensor); null: just below the output layer where a head trains to convergence.
     */
    public Builder cut(String layerOrTensor) {
      this.cut = layerOrTensor;
      return this;
    }

    /**
     * ONNX base: keep its layers between the cut and its output layer (imported as trainable DL4J
     * layers) under the new head, trained on the cached activations.
     */
    public Builder keepUpper(boolean keep) {
      this.keepUpper = keep;
      return this;
    }

    /**
     * Recompute the frozen layers every epoch instead of caching them (with a cut: for comparison);
     * an ONNX base is then imported as DL4J layers and trained as Keras bases are.
     */
    public Builder noCache(boolean off) {
      this.noCache = off;
      return this;
    }

    /**
     * The activation cache's folder; null: $GRAFT_CACHE_DIR, $XDG_CACHE_HOME/graft, ~/.cache/graft.
     */
    public Builder cacheDir(Path dir) {
      this.cacheDir = dir;
      return this;
    }

    /** ONNX Runtime's options (device, threads) for the trunk. */
    public Builder runtime(ModelOptions options) {
      this.runtime = options;
      return this;
    }

    public Builder listener(TrainingListener l) {
      this.listener = l;
      return this;
    }

    /**
     * Where {@link FineTuning#run()} saves the model (its extension picks the format) and the
     * record beside it; checked after the base is read and before any data is: a long run never
     * ends unable to save. Null: not saved ({@link FineTuned#save}).
     */
    public Builder out(Path file) {
      this.out = file;
      return this;
    }

    /**
     * For a base with several outputs (a main and an auxiliary head): the output whose head is
     * replaced; the result computes that one only (the others are dropped).
     */
    public Builder output(String name) {
      this.output = name;
      return this;
    }

    public FineTuning build() {
      if (base == null && network == null) {
        throw GraftException.parameter("base", "is required: a model file or a loaded Network");
      }
      if (data == null) {
        throw GraftException.parameter("data", "is required: a DataSource");
      }
      if (options == null || runtime == null || listener == null) {
        throw GraftException.parameter("options", "runtime and listener must not be null");
      }
      return new FineTuning(this);
    }

    private Builder copy() {
      Builder c = new Builder();
      c.base = base;
      c.network = network;
      c.data = data;
      c.options = options;
      c.cut = cut;
      c.keepUpper = keepUpper;
      c.noCache = noCache;
      c.cacheDir = cacheDir;
      c.runtime = runtime;
      c.listener = listener;
      c.out = out;
      c.output = output;
      return c;
    }
  }
}
