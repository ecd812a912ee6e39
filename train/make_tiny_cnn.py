"""Builds models/tiny-cnn.onnx: a small fixed-weight CNN embedding (conv-relu-pool x2, global average
pool, linear to 32-D) used by the tests of the `cnn` encoder and as an example of the model contract:
input `image` float32 [1, 3, 64, 64] (normalised RGB, NCHW), output `embedding` float32 [1, 32].

Weights are seeded random (numpy seed 0), so the file is reproducible byte for byte:
    /usr/bin/python3 train/make_tiny_cnn.py models/tiny-cnn.onnx
It is an untrained feature extractor (random convolutional features still separate images by
colour and layout); real models come from the PyTorch recipes under train/.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(out: str) -> None:
    rng = np.random.default_rng(0)
    w1 = (rng.standard_normal((16, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    b1 = np.zeros(16, np.float32)
    w2 = (rng.standard_normal((32, 16, 3, 3)) / np.sqrt(144)).astype(np.float32)
    b2 = np.zeros(32, np.float32)
    w3 = (rng.standard_normal((32, 32)) / np.sqrt(32)).astype(np.float32)
    inits = [numpy_helper.from_array(a, n) for a, n in [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (w3, "w3")]]
    nodes = [
        helper.make_node("Conv", ["image", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"], axis=1),
        helper.make_node("MatMul", ["f", "w3"], ["embedding"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, 32])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="deja")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models/tiny-cnn.onnx")
