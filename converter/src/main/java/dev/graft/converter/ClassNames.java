package dev.graft.converter;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Class names from a {@code labels.txt} beside a model, as Teachable Machine exports them: one line
 * per class, "index name" ({@code 0 Dog}), the line order being the model's output order (not
 * alphabetical). Names may hold spaces and any UTF-8; lines without an index are taken as names in
 * order. Bounded: the file is untrusted.
 */
public final class ClassNames {
  /** The file's name, as Teachable Machine writes it. */
  public static final String FILE = "labels.txt";

  private static final long MAX_BYTES = 1 << 20;
  private static final Pattern INDEXED = Pattern.compile("^(\\d{1,6})\\s+(.+)$");

  private ClassNames() {}

  /** The class names in the labels.txt beside {@code model}; empty when there is none. */
  public static List<String> beside(Path model) {
    Path dir = model.toAbsolutePath().getParent();
    Path file = dir == null ? null : dir.resolve(FILE);
    if (file == null || !Files.isRegularFile(file)) {
      return List.of();
    }
    return read(file);
  }

  /** Reads a labels.txt; a malformed one is refused with the line that is wrong. */
  public static List<String> read(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw GraftException.badInput(file + ": larger than 1 MiB: not a list of class names");
      }
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (CharacterCodingException e) {
      throw GraftException.badInput(file + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<String> names = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\r?\n", -1)) {
      lineNo++;
      String s = line.strip();
      if (s.isEmpty()) {
        continue;
      }
      Matcher m = INDEXED.matcher(s);
      if (m.matches()) {
        int index = Integer.parseInt(m.group(1));
        if (index != names.size()) {
          throw GraftException.badInput(
              file
                  + ": line "
                  + lineNo
                  + " gives index "
                  + index
                  + " where "
                  + names.size()
                  + " was expected (indices count up from 0 in output order)");
        }
        s = m.group(2).strip();
      }
      names.add(s);
    }
    return List.copyOf(names);
  }
}
