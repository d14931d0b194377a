package dev.graft.data;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .npy} header, parsed strictly, as NumPy's {@code format.read_array_header} accepts it: a
 * Python dict literal with exactly the keys {@code descr} (a string), {@code fortran_order} ({@code
 * True} or {@code False}) and {@code shape} (a tuple of non-negative integers), each once, followed
 * by nothing but spaces and the newline NumPy ends it with. The element count is computed without
 * overflow. Regular expressions found keys anywhere in the text, so duplicate keys and text after
 * the dict passed, and a shape whose product overflowed could pass as a small array.
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape, long count) {
  /** Parses the header text; dimensions up to 2^63 - 1 (NumPy's intp on 64-bit machines). */
  static NpyHeader parse(String text, Path file) {
    Parser p = new Parser(text, file);
    Map<String, Object> dict = p.dict();
    p.spaces();
    if (p.pos != text.length() && !(p.pos == text.length() - 1 && text.charAt(p.pos) == '\n')) {
      throw p.bad("text after the header's dict");
    }
    if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
      throw p.bad("keys " + dict.keySet() + " (expected descr, fortran_order, shape)");
    }
    if (!(dict.get("descr") instanceof String descr)
        || !(dict.get("fortran_order") instanceof Boolean fortran)
        || !(dict.get("shape") instanceof long[] shape)) {
      throw p.bad("a value of the wrong type");
    }
    long count = 1;
    for (long d : shape) {
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException e) {
        throw p.bad("a shape whose element count overflows " + java.util.Arrays.toString(shape));
      }
    }
    return new NpyHeader(descr, fortran, shape, count);
  }

  private static final class Parser {
    private final String text;
    private final Path file;
    private int pos;

    Parser(String text, Path file) {
      this.text = text;
      this.file = file;
    }

    GraftException bad(String what) {
      return GraftException.badInput(
          file + ": malformed .npy header (" + what + "): " + text.strip());
    }

    void spaces() {
      while (pos < text.length() && text.charAt(pos) == ' ') {
        pos++;
      }
    }

    void expect(char c) {
      spaces();
      if (pos >= text.length() || text.charAt(pos) != c) {
        throw bad("'" + c + "' expected at offset " + pos);
      }
      pos++;
    }

    boolean at(char c) {
      spaces();
      return pos < text.length() && text.charAt(pos) == c;
    }

    Map<String, Object> dict() {
      Map<String, Object> dict = new HashMap<>();
      expect('{');
      while (!at('}')) {
        String key = string();
        expect(':');
        if (dict.put(key, value()) != null) {
          throw bad("key '" + key + "' given twice");
        }
        if (!at('}')) {
          expect(',');
        }
      }
      expect('}');
      return dict;
    }

    Object value() {
      spaces();
      if (at('\'')) {
        return string();
      }
      if (at('(')) {
        return tuple();
      }
      for (String word : new String[] {"True", "False"}) {
        if (text.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("True");
        }
      }
      throw bad("a value expected at offset " + pos);
    }

    String string() {
      expect('\'');
      int end = text.indexOf('\'', pos);
      if (end < 0) {
        throw bad("an unterminated string");
      }
      String s = text.substring(pos, end);
      pos = end + 1;
      return s;
    }

    long[] tuple() {
      expect('(');
      List<Long> dims = new ArrayList<>();
      while (!at(')')) {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
          pos++;
        }
        if (start == pos || pos - start > 19) {
          throw bad("a non-negative integer expected in the shape at offset " + start);
        }
        try {
          dims.add(Long.parseLong(text.substring(start, pos)));
        } catch (NumberFormatException e) {
          throw bad("a dimension larger than 2^63 - 1");
        }
        if (!at(')')) {
          expect(',');
        }
      }
      expect(')');
      return dims.stream().mapToLong(Long::longValue).toArray();
    }
  }
}
