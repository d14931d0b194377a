#!/usr/bin/env python3
"""Multiply-accumulates per example of an ONNX model's Conv, Gemm and MatMul nodes, from ONNX's own
shape inference (python3-onnx) - an account independent of graft, for the Spark cost model.

usage: onnx_flops.py MODEL.onnx [UP_TO_TENSOR]   (prints MACs and FLOPs = 2 x MACs per example)"""
import sys

import onnx
from onnx import numpy_helper, shape_inference


def dims(value):
    return [d.dim_value if d.HasField("dim_value") else 1
            for d in value.type.tensor_type.shape.dim]


def main():
    model = shape_inference.infer_shapes(onnx.load(sys.argv[1]))
    stop = sys.argv[2] if len(sys.argv) > 2 else None
    g = model.graph
    shapes = {v.name: dims(v) for v in list(g.input) + list(g.value_info) + list(g.output)}
    for t in g.initializer:
        shapes[t.name] = list(t.dims)
    macs = 0
    for node in g.node:
        if node.op_type == "Conv":
            w = shapes[node.input[1]]  # [Cout, Cin/group, kh, kw]
            out = shapes[node.output[0]]  # [N, Cout, H, W]
            macs += out[1] * out[2] * out[3] * w[1] * w[2] * w[3]
        elif node.op_type in ("Gemm", "MatMul"):
            a = shapes[node.input[0]]
            b = shapes[node.input[1]]
            trans_b = any(at.name == "transB" and at.i == 1 for at in node.attribute)
            k = a[-1]
            n = b[0] if trans_b else b[-1]
            macs += k * n
        if stop is not None and stop in node.output:
            break
    print("MACs %d FLOPs %d" % (macs, 2 * macs))


if __name__ == "__main__":
    main()
