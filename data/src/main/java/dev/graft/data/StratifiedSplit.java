package dev.graft.data;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded, stratified validation split: per class, the given fraction of its examples (at least
 * one when the class has two or more), drawn with the seed; both parts keep the original order.
 */
public final class StratifiedSplit {
  private StratifiedSplit() {}

  /** The indices of the training part and of the validation part. */
  public static int[][] indices(int[] labels, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw GraftException.parameter("valSplit", "must be between 0 and 1, not " + fraction);
    }
    Random random = new Random(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> valid = new ArrayList<>();
    int classes = Arrays.stream(labels).max().orElse(0) + 1;
    for (int c = 0; c < classes; c++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == c) {
          members.add(i);
        }
      }
      Collections.shuffle(members, random);
      int n = members.size() < 2 ? 0 : Math.max(1, (int) Math.round(fraction * members.size()));
      valid.addAll(members.subList(0, n));
      train.addAll(members.subList(n, members.size()));
    }
    Collections.sort(train);
    Collections.sort(valid);
    return new int[][] {
      train.stream().mapToInt(Integer::intValue).toArray(),
      valid.stream().mapToInt(Integer::intValue).toArray()
    };
  }
}
