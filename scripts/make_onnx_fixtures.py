#!/usr/bin/python3
"""Writes the ONNX import fixtures: small PyTorch networks (MLPs, batch normalization, CNNs with
depthwise and transposed convolutions, padding, residual and concatenated branches, global pooling) exported by
torch.onnx.export at opsets 11, 13, 15 and 17 with a dynamic batch, each with an input batch and
PyTorch's own output as .npy. Run offline from the project root with Debian's python3-torch and
python3-onnx; the outputs in e2e/src/test/resources/onnx are committed and checked by OnnxImportTest
(CI does not need torch)."""
import os

import numpy as np
import onnx
import torch
from torch import nn

OUT = "e2e/src/test/resources/onnx/"
OPSETS = (11, 13, 15, 17)
torch.manual_seed(7)


def randomize_bn(model):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n) * 0.3)
            m.running_var.copy_(torch.rand(n) + 0.5)
            m.weight.data.copy_(torch.rand(n) + 0.5)
            m.bias.data.copy_(torch.randn(n) * 0.2)


class Residual(nn.Module):
    """Conv, then a residual pair of convolutions (Add), a 1x1 branch concatenated on channels,
    asymmetric zero padding (9x9, pooled to 4x4), PReLU, and a flatten written as x.view(x.size(0), -1) (a Shape chain)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.a = nn.Conv2d(8, 8, 3, padding=1)
        self.b = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.side = nn.Conv2d(8, 4, 1)
        self.pad = nn.ZeroPad2d((0, 1, 0, 1))
        self.prelu = nn.PReLU(12)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(12 * 4 * 4, 6)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        y = self.b(torch.relu(self.a(x)))
        x = torch.relu(x + y)
        x = torch.cat([x, torch.tanh(self.side(x))], dim=1)
        x = self.prelu(self.pool(self.pad(x)))
        return torch.softmax(self.fc(x.view(x.size(0), -1)), dim=1)


MODELS = {
    "mlp": (lambda: nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 8), nn.ELU(), nn.Linear(8, 3),
                                  nn.Softmax(dim=1)), (20,)),
    "bn_mlp": (lambda: nn.Sequential(nn.Linear(20, 16, bias=False), nn.BatchNorm1d(16), nn.LeakyReLU(0.1),
                                     nn.Dropout(0.3), nn.Linear(16, 12), nn.SELU(), nn.Linear(12, 4), nn.Sigmoid()),
               (20,)),
    "cnn_depthwise": (lambda: nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1, groups=8), nn.Softplus(), nn.Conv2d(16, 16, 1, bias=False), nn.BatchNorm2d(16),
        nn.Tanh(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5), nn.Softmax(dim=1)), (3, 16, 16)),
    "cnn_strided_maxpool": (lambda: nn.Sequential(
        nn.Conv2d(1, 6, 5, stride=2, padding=2), nn.ReLU(), nn.Conv2d(6, 6, 3, dilation=2), nn.Sigmoid(),
        nn.MaxPool2d(3, stride=1, padding=1), nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(6, 4)), (1, 20, 20)),
    "residual_concat": (Residual, (3, 8, 8)),
    "mlp_logsoftmax": (lambda: nn.Sequential(nn.Linear(20, 10), nn.Tanh(), nn.Linear(10, 4), nn.LogSoftmax(dim=1)), (20,)),
    "cnn_transpose": (lambda: nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.ConvTranspose2d(4, 3, 2, stride=2), nn.Tanh(),
        nn.ConvTranspose2d(3, 2, 3, stride=1, padding=1, bias=False), nn.Flatten(), nn.Linear(2 * 16 * 16, 3)), (1, 8, 8)),
}

os.makedirs(OUT, exist_ok=True)
for name, (make, shape) in MODELS.items():
    model = make()
    randomize_bn(model)
    model.eval()
    x = torch.randn(5, *shape)
    with torch.no_grad():
        y = model(x)
    np.save(OUT + name + "_x.npy", x.numpy().astype(np.float32))
    np.save(OUT + name + "_y.npy", y.numpy().astype(np.float32))
    for opset in OPSETS:
        path = f"{OUT}{name}_op{opset}.onnx"
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, do_constant_folding=True)
        onnx.checker.check_model(onnx.load(path))
        ops = sorted({n.op_type for n in onnx.load(path).graph.node})
        print(path, ops)

# The MLP at opset 13 again, its weights in an external data file beside it (ONNX's
# save_as_external_data): the importer must read initializers from there.
ext = onnx.load(OUT + "mlp_op13.onnx")
onnx.save_model(ext, OUT + "mlp_external.onnx", save_as_external_data=True, all_tensors_to_one_file=True,
                location="mlp_external.weights", size_threshold=0)
onnx.checker.check_model(OUT + "mlp_external.onnx")
print(OUT + "mlp_external.onnx", "with", OUT + "mlp_external.weights")
