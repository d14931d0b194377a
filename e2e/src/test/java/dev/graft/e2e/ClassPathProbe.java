package dev.graft.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.OperatorSetIdProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.TensorShapeProto;
import dev.graft.onnx.TypeProto;
import dev.graft.onnx.ValueInfoProto;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Started in its own JVM with the CLI's whole class path: runs a small ONNX model (Relu) in ONNX
 * Runtime and a matrix product in ND4J. ONNX Runtime 1.29.0 died with SIGSEGV here.
 */
public final class ClassPathProbe {
  public static void main(String[] args) throws Exception {
    INDArray m = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
    float nd4j = m.mmul(m).getFloat(1, 1);
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session =
            env.createSession(reluModel().toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{-1f, 2f, -3f, 4f}});
        OrtSession.Result result = session.run(Map.of("x", x))) {
      float[][] y = (float[][]) result.get(0).getValue();
      System.out.printf(
          "nd4j %.1f onnxruntime %.1f %.1f %.1f %.1f%n", nd4j, y[0][0], y[0][1], y[0][2], y[0][3]);
    }
  }

  static ModelProto reluModel() {
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT_VALUE)
                    .setShape(
                        TensorShapeProto.newBuilder()
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4))))
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("probe")
            .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
            .addInput(ValueInfoProto.newBuilder().setName("x").setType(type))
            .addOutput(ValueInfoProto.newBuilder().setName("y").setType(type))
            .build();
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("graft-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build();
  }
}
