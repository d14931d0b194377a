package dev.graft.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labels.txt as Teachable Machine writes it, and as people edit it. */
class ClassNamesTest {
  @TempDir Path tmp;

  @Test
  void indexedLinesInFileOrderWithSpacesAndUtf8() throws Exception {
    Path f = tmp.resolve("labels.txt");
    Files.writeString(
        f,
        "\uFEFF0 Com Capacete\r\n1 Sem capacete, falso\r\n2 Ça va 猫\r\n\r\n",
        StandardCharsets.UTF_8);
    assertEquals(List.of("Com Capacete", "Sem capacete, falso", "Ça va 猫"), ClassNames.read(f));
  }

  @Test
  void plainNamesAreTakenInOrder() throws Exception {
    Path f = tmp.resolve("labels.txt");
    Files.writeString(f, "dog\ncat\n");
    assertEquals(List.of("dog", "cat"), ClassNames.read(f));
  }

  @Test
  void indicesOutOfOrderAreRefusedWithTheLine() throws Exception {
    Path f = tmp.resolve("labels.txt");
    Files.writeString(f, "0 Dog\n2 Cat\n");
    GraftException e = assertThrows(GraftException.class, () -> ClassNames.read(f));
    assertTrue(
        e.getMessage().contains("line 2 gives index 2 where 1 was expected"), e.getMessage());
  }

  @Test
  void notUtf8IsRefused() throws Exception {
    Path f = tmp.resolve("labels.txt");
    Files.write(f, new byte[] {'0', ' ', (byte) 0xff, (byte) 0xfe});
    GraftException e = assertThrows(GraftException.class, () -> ClassNames.read(f));
    assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
  }

  @Test
  void noFileBesideTheModelMeansNoNames() {
    assertEquals(List.of(), ClassNames.beside(tmp.resolve("model.h5")));
  }
}
