package dev.graft.samples;

import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.GraphCut;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.DenseSpec;
import dev.graft.trainer.DenseStack;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuner;
import dev.graft.trainer.Optimizer;
import dev.graft.trainer.Trainer;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Exercise 9.3 of the chapter: how much faster is training the head on cached activations of the
 * frozen layers than recomputing them every epoch? Two cases: B on A (five frozen dense layers, 200
 * images) and a frozen convolutional trunk over the 43,986 images of task A. Epoch times are
 * medians; the cache is built once, by ONNX Runtime, and its cost is reported.
 *
 * <p>Run: {@code samples/run CacheBenchmark [MODEL_A.h5] [--epochs 10]}
 */
public final class CacheBenchmark {
  public static void main(String[] args) {
    Path modelA =
        Path.of(
            args.length > 0 && !args[0].startsWith("--")
                ? args[0]
                : "../shared/models/keras2/chapter11/my_model_A__keras-2.4.0.h5");
    int epochs = Samples.intOption(args, "--epochs", 10);
    FashionMnist mnist = FashionMnist.load(null);

    Network a = ModelLoader.load(modelA);
    TaskData b = TaskData.of(mnist, Task.preset("shirt-vs-sandal"));
    report("B on A: 5 frozen dense layers, 200 images", a, "dense_221", b, epochs);

    TaskData taskA = TaskData.of(mnist, Task.preset("all-but-sandal-shirt"));
    if (!java.util.Arrays.asList(args).contains("--dense-only")) {
      report(
          "conv trunk: 2 conv + 2 pool layers frozen, 43,986 images",
          convNet(),
          "pool2",
          taskA,
          Math.max(2, epochs / 5));
    }
  }

  private static void report(
      String title, Network base, String cutLayer, TaskData data, int epochs) {
    // Uncached: DL4J runs the frozen layers forward on every batch of every epoch.
    int keep = base.layerNames().indexOf(cutLayer) + 1;
    FineTuneOptions frozen =
        FineTuneOptions.builder()
            .dropTop(base.layerNames().size() - keep)
            .freezeEpochs(epochs)
            .epochs(0)
            .optimizer(Optimizer.sgd(1e-3))
            .seed(1)
            .build();
    var plain = FineTuner.fineTune(base, data, frozen, TrainingListener.NONE).history();

    // Cached: the trunk runs once in ONNX Runtime; the head trains on its activations.
    ModelProto onnx = OnnxExporter.export(base, ExportOptions.defaults());
    GraphCut.Halves halves = GraphCut.cut(onnx, OnnxExporter.layerOutput(onnx, cutLayer));
    long start = System.nanoTime();
    Examples train;
    Examples valid;
    try (OnnxModel trunk = OnnxModel.load(halves.trunk().toByteArray(), ModelOptions.defaults())) {
      train = features(trunk, data.train());
      valid = features(trunk, data.valid());
    }
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    Network head =
        DenseStack.build(
            "head",
            train.featureCount(),
            List.of(),
            data.task().binary()
                ? new DenseSpec(1, "sigmoid")
                : new DenseSpec(data.task().outputs(), "softmax"),
            Optimizer.sgd(1e-3),
            1);
    var cached =
        Trainer.train(
            head,
            new TaskData(data.task(), train, valid, valid),
            epochs,
            32,
            1,
            TrainingListener.NONE);

    double plainEpoch = medianSeconds(plain);
    double cachedEpoch = medianSeconds(cached);
    System.out.printf("%s (%d epochs, medians)%n", title, epochs);
    System.out.printf("  recomputing frozen layers (DL4J): %8.3f s/epoch%n", plainEpoch);
    System.out.printf(
        "  head on cached activations:       %8.3f s/epoch  (%.1fx faster)%n",
        cachedEpoch, plainEpoch / cachedEpoch);
    System.out.printf(
        "  building the cache (ONNX Runtime, train+valid): %.3f s = %.2f uncached epochs%n",
        buildSeconds, buildSeconds / plainEpoch);
  }

  private static Examples features(OnnxModel trunk, Examples split) {
    int d = split.featureCount();
    int cols =
        (int)
            (trunk.outputShape(1)[1]
                * (trunk.outputShape(1).length > 2
                    ? trunk.outputShape(1)[2] * trunk.outputShape(1)[3]
                    : 1));
    float[] out = new float[split.size() * cols];
    for (int from = 0; from < split.size(); from += 256) {
      int to = Math.min(split.size(), from + 256);
      float[] part =
          trunk.predict(
              java.util.Arrays.copyOfRange(split.features(), from * d, to * d), to - from);
      System.arraycopy(part, 0, out, from * cols, part.length);
    }
    return new Examples(out, split.labels(), cols, split.outputs());
  }

  /** Epoch times without the validation pass (which both variants share). */
  private static double medianSeconds(List<dev.graft.trainer.EpochStats> history) {
    List<Double> t = new ArrayList<>();
    history.forEach(e -> t.add(e.millis() / 1000.0));
    return Samples.median(t.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * A small CNN in the layout Keras models arrive in; its weights are random, which does not change
   * the timing.
   */
  private static Network convNet() {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .list()
                .layer(
                    new ConvolutionLayer.Builder(3, 3)
                        .name("conv1")
                        .nOut(16)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU)
                        .build())
                .layer(
                    new SubsamplingLayer.Builder(PoolingType.MAX)
                        .name("pool1")
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(
                    new ConvolutionLayer.Builder(3, 3)
                        .name("conv2")
                        .nOut(32)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU)
                        .build())
                .layer(
                    new SubsamplingLayer.Builder(PoolingType.MAX)
                        .name("pool2")
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("out")
                        .nOut(8)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build());
    net.init();
    return new Network(
        net, "conv", null, ModelFormat.DL4J_ZIP, "", new long[] {1, 28, 28}, "graft sample");
  }
}
