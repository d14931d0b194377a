package dev.graft.spark;

import java.io.Serializable;

/**
 * One example as the driver hands it to the executors: an image to read ({@code uri}, a Hadoop file
 * system URI) or an array row ({@code values}, already scaled). {@code id} is its place in the
 * sorted input, so results come back in the order {@code graft predict} writes them.
 *
 * @param file the name reports use: the path as the user gave it, or "row N"
 * @param label the class index, or -1 when unlabelled
 * @param split "train", "valid", "test", or "" for prediction
 * @param contentSha256 the SHA-256 of the file's bytes or the row's values, where a job keys by
 *     content (featurize); null otherwise
 */
public record Example(
    long id, String file, String uri, float[] values, int label, String split, String contentSha256)
    implements Serializable {

  public Example withContentSha256(String sha) {
    return new Example(id, file, uri, values, label, split, sha);
  }
}
