package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Checkpoints round-trip, and a checkpoint folder is untrusted like any file: a zip with a
 * serialized Java object (DL4J's preprocessor.bin, which its ModelSerializer would deserialize) is
 * refused before DL4J reads it.
 */
class CheckpointsTest {
  @TempDir Path tmp;

  private static MultiLayerNetwork net() {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(3)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    net.init();
    return net;
  }

  private static Checkpoints.State state() {
    return new Checkpoints.State(1, 1, 0.5, 0.01, 0, 0, 0.5, List.of(), List.of(0.01));
  }

  @Test
  void aSavedCheckpointLoads() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = new Checkpoints(tmp);
    checkpoints.save(net, state());
    assertArrayEquals(
        net.params().toFloatVector(), checkpoints.latest().net().params().toFloatVector());
  }

  @Test
  void aCheckpointWithASerializedObjectIsRefusedBeforeDl4jReadsIt() throws IOException {
    Checkpoints checkpoints = new Checkpoints(tmp);
    checkpoints.save(net(), state());
    Path zip = tmp.resolve("epoch-0001.zip");
    ByteArrayOutputStream object = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(object)) {
      out.writeObject(new HashSet<>(Set.of("a", "b")));
    }
    addEntry(zip, "preprocessor.bin", object.toByteArray());
    GraftException e = assertThrows(GraftException.class, checkpoints::latest);
    assertTrue(e.getMessage().contains("preprocessor.bin"), e.getMessage());
  }

  private static void addEntry(Path zip, String name, byte[] data) throws IOException {
    ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
        ZipOutputStream out = new ZipOutputStream(rewritten)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(in.readAllBytes());
      }
      out.putNextEntry(new ZipEntry(name));
      out.write(data);
    }
    Files.write(zip, rewritten.toByteArray());
  }
}
