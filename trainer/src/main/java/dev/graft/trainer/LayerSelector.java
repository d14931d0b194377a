package dev.graft.trainer;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Picks layers by index ({@code 0}), index range ({@code 0-3}), exact name ({@code dense_1}) or
 * name pattern (a Java regex matching the whole name, {@code dense(_1|_2)?}), comma-separated.
 * Every item must match at least one layer, so a typo is an error, not a silent no-op.
 */
public final class LayerSelector {
  private final String spec;

  private LayerSelector(String spec) {
    this.spec = spec;
  }

  public static LayerSelector of(String spec) {
    if (spec == null || spec.isBlank()) {
      throw GraftException.usage("empty layer selection");
    }
    return new LayerSelector(spec);
  }

  public String spec() {
    return spec;
  }

  /** Indices (sorted) of the selected layers among {@code names}. */
  public TreeSet<Integer> select(List<String> names) {
    TreeSet<Integer> picked = new TreeSet<>();
    for (String raw : spec.split(",")) {
      String item = raw.trim();
      List<Integer> hits = match(item, names);
      if (hits.isEmpty()) {
        throw GraftException.usage(
            "layer selection '" + item + "' matches no layer; layers are " + indexed(names));
      }
      picked.addAll(hits);
    }
    return picked;
  }

  private static List<Integer> match(String item, List<String> names) {
    List<Integer> hits = new ArrayList<>();
    if (item.matches("\\d+")) {
      int i = Integer.parseInt(item);
      if (i < names.size()) {
        hits.add(i);
      }
      return hits;
    }
    if (item.matches("\\d+-\\d+")) {
      String[] ends = item.split("-");
      int from = Integer.parseInt(ends[0]);
      int to = Integer.parseInt(ends[1]);
      if (from > to || to >= names.size()) {
        return hits;
      }
      for (int i = from; i <= to; i++) {
        hits.add(i);
      }
      return hits;
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(item);
    } catch (PatternSyntaxException e) {
      throw GraftException.usage(
          "layer selection '" + item + "' is not a valid name pattern: " + e.getDescription());
    }
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(item) || pattern.matcher(names.get(i)).matches()) {
        hits.add(i);
      }
    }
    return hits;
  }

  private static String indexed(List<String> names) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      parts.add(i + ":" + names.get(i));
    }
    return String.join(", ", parts);
  }
}
