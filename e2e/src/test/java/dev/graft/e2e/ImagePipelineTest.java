package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.data.ImageDecoder;
import dev.graft.data.Npy;
import dev.graft.data.Preprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * graft's own image pipeline (decode, centre crop, Lanczos, x/127.5 - 1) against PIL running
 * Teachable Machine's export snippet (scripts/tm_images.py) on the dog-cat model's 60 photos: the
 * inputs agree within a few levels of 255 (PIL rounds to 8 bits between its two passes, graft does
 * not), and the model classifies graft's inputs as it classifies PIL's.
 */
class ImagePipelineTest {
  @TempDir Path tmp;

  @Test
  void teachableMachinePreprocessingMatchesPil() throws Exception {
    Path model = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path images = model.resolveSibling("images");
    Path pil = PilPhotos.prepare(images, tmp).pixels();
    Npy.Array expected = Npy.read(pil);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(images)) {
      for (Path dir : s.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> f = Files.list(dir)) {
          files.addAll(f.filter(Files::isRegularFile).sorted().toList());
        }
      }
    }
    assertEquals(60, files.size());
    Preprocessing tm = Preprocessing.teachableMachine(224, 224, 3);
    int per = 224 * 224 * 3;
    float[] ours = new float[files.size() * per];
    double worst = 0;
    for (int i = 0; i < files.size(); i++) {
      float[] x = tm.apply(ImageDecoder.read(files.get(i)));
      System.arraycopy(x, 0, ours, i * per, per);
      for (int k = 0; k < per; k++) {
        worst = Math.max(worst, Math.abs(x[k] - expected.data()[i * per + k]));
      }
    }
    System.out.printf("graft vs PIL, Teachable Machine preprocessing: max |diff| %.4f%n", worst);
    // identical when written (graft computes PIL's 8-bit fixed point); one level of 255 allowed
    assertTrue(worst <= 1 / 127.5 + 1e-6, "max |diff| " + worst + " (in units of x/127.5 - 1)");

    Network network = ModelLoader.load(model);
    INDArray a = network.output(Nd4j.create(ours, new long[] {60, 224, 224, 3}, 'c'));
    INDArray b = network.output(Nd4j.create(expected.data(), new long[] {60, 224, 224, 3}, 'c'));
    assertEquals(b.argMax(1), a.argMax(1), "the same class for every photo");
  }
}
