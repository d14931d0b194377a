package dev.graft.samples;

import dev.graft.trainer.KerasUpdater;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The chapter's exercise 10, pretraining on an auxiliary task: two towers (A and B) of five
 * 100-unit ELU layers (He init) read two images each (Nadam, Keras's formula: DL4J's own diverges);
 * their outputs, joined, feed a 10-unit layer and a sigmoid that says whether the two images show
 * the same class. Trained on pairs drawn from split 1 (the 55,000 training images), tower A is then
 * reused, frozen, under a softmax head trained on split 2 (the 5,000 validation images, about 500
 * per class), against the same network trained from scratch on split 2. Test accuracy on the 10,000
 * test images.
 *
 * <p>Run: {@code samples/run AuxiliaryPretraining [--pairs 100000] [--pretrain-epochs 5] [--epochs
 * 20]}
 */
public final class AuxiliaryPretraining {
  static final int LAYERS = 5;
  static final int UNITS = 100;

  public static void main(String[] args) {
    int pairs = Samples.intOption(args, "--pairs", 100_000);
    int pretrainEpochs = Samples.intOption(args, "--pretrain-epochs", 5);
    int epochs = Samples.intOption(args, "--epochs", 20);
    TaskData data = TaskData.of(FashionMnist.load(null), Task.preset("all"));
    ComputationGraph twoTowers = twoTowers();
    Random rng = new Random(1);
    INDArray x = data.train().featureMatrix();
    int[] labels = data.train().labels();
    for (int e = 1; e <= pretrainEpochs; e++) {
      double loss = 0;
      int batches = 0;
      for (int start = 0; start < pairs; start += 32) {
        int m = Math.min(32, pairs - start);
        int[] a = new int[m];
        int[] b = new int[m];
        float[] same = new float[m];
        for (int i = 0; i < m; i++) {
          a[i] = rng.nextInt(labels.length);
          boolean wantSame = rng.nextBoolean();
          do {
            b[i] = rng.nextInt(labels.length);
          } while ((labels[a[i]] == labels[b[i]]) != wantSame);
          same[i] = wantSame ? 1 : 0;
        }
        INDArray xa = Nd4j.pullRows(x, 1, a);
        INDArray xb = Nd4j.pullRows(x, 1, b);
        INDArray y = Nd4j.create(same, new long[] {m, 1}, 'c');
        twoTowers.fit(new MultiDataSet(new INDArray[] {xa, xb}, new INDArray[] {y}));
        loss += twoTowers.score();
        batches++;
        xa.close();
        xb.close();
        y.close();
      }
      System.out.printf(
          "pretraining epoch %d: same-or-different loss %.4f (%d pairs)%n",
          e, loss / batches, pairs);
    }
    Examples split2 = data.valid();
    double pretrained = supervised(twoTowers, split2, data.test(), epochs);
    double scratch = supervised(null, split2, data.test(), epochs);
    System.out.printf(
        "split 2 (%d images), %d epochs: tower A pretrained and frozen %.4f, same network from scratch %.4f%n",
        split2.size(), epochs, pretrained, scratch);
  }

  static ComputationGraph twoTowers() {
    ComputationGraphConfiguration.GraphBuilder g =
        new NeuralNetConfiguration.Builder()
            .seed(1)
            .dataType(DataType.FLOAT)
            .updater(new KerasUpdater("nadam", 1e-3))
            .weightInit(WeightInit.RELU)
            .graphBuilder()
            .addInputs("a", "b");
    for (String tower : new String[] {"a", "b"}) {
      String in = tower;
      for (int i = 0; i < LAYERS; i++) {
        String name = tower + "_dense_" + i;
        g.addLayer(
            name,
            new DenseLayer.Builder()
                .nIn(i == 0 ? 784 : UNITS)
                .nOut(UNITS)
                .activation(Activation.ELU)
                .build(),
            in);
        in = name;
      }
    }
    g.addVertex("joined", new MergeVertex(), "a_dense_" + (LAYERS - 1), "b_dense_" + (LAYERS - 1))
        .addLayer(
            "hidden",
            new DenseLayer.Builder().nIn(2 * UNITS).nOut(10).activation(Activation.ELU).build(),
            "joined")
        .addLayer(
            "same",
            new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
                .nIn(10)
                .nOut(1)
                .activation(Activation.SIGMOID)
                .build(),
            "hidden")
        .setOutputs("same");
    ComputationGraph cg = new ComputationGraph(g.build());
    cg.init();
    return cg;
  }

  /**
   * Tower A (from {@code pretrained}, frozen; or fresh) under a 10-way softmax, trained on {@code
   * train}.
   */
  static double supervised(ComputationGraph pretrained, Examples train, Examples test, int epochs) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(2)
            .dataType(DataType.FLOAT)
            .updater(new KerasUpdater("nadam", 1e-3))
            .weightInit(WeightInit.RELU)
            .list();
    for (int i = 0; i < LAYERS; i++) {
      DenseLayer dense =
          new DenseLayer.Builder()
              .nIn(i == 0 ? 784 : UNITS)
              .nOut(UNITS)
              .activation(Activation.ELU)
              .build();
      list.layer(i, pretrained == null ? dense : new FrozenLayer(dense));
    }
    list.layer(
        LAYERS,
        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nIn(UNITS)
            .nOut(10)
            .activation(Activation.SOFTMAX)
            .build());
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    if (pretrained != null) {
      for (int i = 0; i < LAYERS; i++) {
        net.getLayer(i).setParams(pretrained.getLayer("a_dense_" + i).params().dup());
      }
    }
    INDArray x = train.featureMatrix();
    INDArray y = train.labelMatrix();
    Random rng = new Random(3);
    for (int e = 0; e < epochs; e++) {
      int[] order = rng.ints(0, train.size()).distinct().limit(train.size()).toArray();
      INDArray xs = Nd4j.pullRows(x, 1, order);
      INDArray ys = Nd4j.pullRows(y, 1, order);
      for (int start = 0; start < train.size(); start += 32) {
        int end = Math.min(train.size(), start + 32);
        net.fit(
            new DataSet(
                xs.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
                ys.get(NDArrayIndex.interval(start, end), NDArrayIndex.all())));
      }
      xs.close();
      ys.close();
    }
    INDArray out = net.output(test.featureMatrix());
    int right = 0;
    for (int i = 0; i < test.size(); i++) {
      right += out.getRow(i).argMax().getInt(0) == test.labels()[i] ? 1 : 0;
    }
    return right / (double) test.size();
  }
}
