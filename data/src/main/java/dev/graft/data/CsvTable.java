package dev.graft.data;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file with a header row (Apache Commons CSV: RFC 4180 quoting, a UTF-8 byte-order mark
 * skipped): one column holds the class label, every other column a numeric feature. Labels that are
 * all whole numbers are class indices; otherwise they are names, numbered in sorted order (as class
 * folders are). A row with the wrong number of columns, a feature that is not a finite number or a
 * missing label is refused, naming its line.
 */
public final class CsvTable {
  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private CsvTable() {}

  /** {@code labelColumn}: the label's column name, or null for a column named "label". */
  public static LabelledArrays read(Path file, String labelColumn) {
    Table t = parse(file, labelColumn, true);
    return labelled(file, t.values(), t.features(), t.labels());
  }

  /**
   * The feature columns alone, as an array of shape (rows, features), to predict on: the label
   * column ({@code labelColumn}, or one named "label") is left out when the file has one.
   */
  public static Npy.Array features(Path file, String labelColumn) {
    Table t = parse(file, labelColumn, false);
    return new Npy.Array(t.values(), new long[] {t.rows(), t.features()}, "float");
  }

  private record Table(float[] values, int features, int rows, List<String> labels) {}

  private static Table parse(Path file, String labelColumn, boolean labelRequired) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser csv =
            CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true)
                .get()
                .parse(skipBom(in))) {
      List<String> header = csv.getHeaderNames();
      int labelAt =
          labelRequired || labelColumn != null || columnIndex(header, "label") >= 0
              ? labelIndex(file, header, labelColumn)
              : -1;
      int d = header.size() - (labelAt >= 0 ? 1 : 0);
      if (d < 1) {
        throw GraftException.badInput(file + ": no feature columns besides the label");
      }
      FloatList x = new FloatList();
      List<String> labels = new ArrayList<>();
      int rows = 0;
      for (CSVRecord row : csv) {
        rows++;
        long line = row.getParser().getCurrentLineNumber();
        if (row.size() != header.size()) {
          throw GraftException.badInput(
              file
                  + ": line "
                  + line
                  + " has "
                  + row.size()
                  + " columns, the header "
                  + header.size());
        }
        if ((long) rows * d > MAX_VALUES) {
          throw GraftException.unsupported(file + ": more values than graft holds in memory");
        }
        for (int c = 0; c < header.size(); c++) {
          if (c == labelAt) {
            String label = row.get(c);
            if (label.isEmpty()) {
              throw GraftException.badInput(file + ": line " + line + " has no label");
            }
            labels.add(label);
          } else {
            x.add(number(file, line, header.get(c), row.get(c)));
          }
        }
      }
      if (rows == 0) {
        throw GraftException.badInput(file + ": no rows after the header");
      }
      return new Table(x.toArray(), d, rows, labels);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw GraftException.badInput(file + ": not a readable CSV file (" + e.getMessage() + ")", e);
    } catch (java.io.UncheckedIOException e) {
      throw GraftException.badInput(
          file + ": not a readable CSV file (" + e.getCause().getMessage() + ")", e);
    }
  }

  private static LabelledArrays labelled(Path file, float[] x, int d, List<String> labels) {
    int[] y = new int[labels.size()];
    List<String> names;
    if (labels.stream().allMatch(l -> l.matches("\\d{1,6}"))) {
      for (int i = 0; i < y.length; i++) {
        y[i] = Integer.parseInt(labels.get(i));
      }
      names = LabelledArrays.numbered(java.util.Arrays.stream(y).max().orElse(0) + 1);
    } else {
      names = new ArrayList<>(new TreeSet<>(labels));
      for (int i = 0; i < y.length; i++) {
        y[i] = names.indexOf(labels.get(i));
      }
    }
    return new LabelledArrays(x, new long[] {d}, y, names, false, file.toString());
  }

  /** The column named {@code name}, ignoring case, or -1. */
  private static int columnIndex(List<String> header, String name) {
    for (int c = 0; c < header.size(); c++) {
      if (header.get(c).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    return -1;
  }

  private static int labelIndex(Path file, List<String> header, String labelColumn) {
    String wanted = labelColumn == null ? "label" : labelColumn;
    int at = columnIndex(header, wanted);
    if (at >= 0) {
      return at;
    }
    throw GraftException.usage(
        file
            + ": no column named '"
            + wanted
            + "' (columns: "
            + header
            + ")"
            + (labelColumn == null ? "; name the label column with --label" : ""));
  }

  private static float number(Path file, long line, String column, String text) {
    float v;
    try {
      v = Float.parseFloat(text);
    } catch (NumberFormatException e) {
      v = Float.NaN;
    }
    if (!Float.isFinite(v)) {
      throw GraftException.badInput(
          file
              + ": line "
              + line
              + ", column '"
              + column
              + "': '"
              + text
              + "' is not a finite number");
    }
    return v;
  }

  /** Readers keep a UTF-8 byte-order mark as U+FEFF; the header would then misname column one. */
  private static Reader skipBom(Reader in) throws IOException {
    java.io.PushbackReader r = new java.io.PushbackReader(in, 1);
    int first = r.read();
    if (first != -1 && first != '\uFEFF') {
      r.unread(first);
    }
    return r;
  }

  /** A growable float array (a CSV's row count is unknown until it is read). */
  private static final class FloatList {
    private float[] values = new float[1024];
    private int size;

    void add(float v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, (int) Math.min(MAX_VALUES, 2L * size));
      }
      values[size++] = v;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
