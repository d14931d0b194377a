package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * finetune on an ONNX base checks where its model will go before it reads any of the user's images:
 * a bad --out is reported, not the first bad photo of a long decode.
 */
@Tag("acceptance") // converts MobileNetV2 and opens it twice: about 15 s
class FinetuneChecksOutFirstTest {
  @TempDir Path tmp;

  @Test
  void aBadOutIsReportedBeforeAnyImageIsDecoded() throws Exception {
    Path h5 = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path base = tmp.resolve("dog-cat.onnx"); // takes images: the photos would be decoded
    assertEquals(0, Cli.run("convert", h5.toString(), base.toString()).exitCode());
    Path data = tmp.resolve("photos");
    for (String c : new String[] {"x", "y"}) {
      Files.createDirectories(data.resolve(c));
      Files.write(
          data.resolve(c).resolve("broken.jpg"),
          new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0});
    }
    Cli wrongKind =
        Cli.run(
            "finetune",
            base.toString(),
            "--data",
            data.toString(),
            "--out",
            tmp.resolve("b.zip").toString());
    assertEquals(2, wrongKind.exitCode(), wrongKind.err());
    assertTrue(
        wrongKind.err().startsWith("graft: --out ")
            && wrongKind.err().contains("name a .onnx file"),
        wrongKind.err());
    Path blocked = tmp.resolve("file-not-folder");
    Files.writeString(blocked, "x");
    Cli unwritable =
        Cli.run(
            "finetune",
            base.toString(),
            "--data",
            data.toString(),
            "--out",
            blocked.resolve("b.onnx").toString());
    assertFalse(unwritable.exitCode() == 0, unwritable.err());
    assertFalse(
        unwritable.err().contains("broken.jpg"), "the images were not read: " + unwritable.err());
    assertTrue(unwritable.err().contains(blocked.toString()), unwritable.err());
  }
}
