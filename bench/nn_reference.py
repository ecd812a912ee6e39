"""bench:nn's PyTorch side: exports the benchmark networks (seeded weights; speed does not depend on
them) with cards, and measures PyTorch eager inference and training throughput on the same threads.

    /usr/bin/python3 bench/nn_reference.py --out bench/out/nn [--threads 2]

Prints one JSON object: per network, eager images/s at batch 1 and 32, and a training step's
images/s at the recipe's batch size (with the epoch time it implies for 50,000 images).
"""
import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
from deja_train.airbench import AirbenchNet  # noqa: E402
from deja_train.data import CIFAR10_MEAN, CIFAR10_STD  # noqa: E402
from deja_train.export import export_onnx, sha256, write_card  # noqa: E402
from deja_train.resnet_cifar import CifarResNet, LogitsAndFeatures  # noqa: E402


class AirbenchPlain(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        f = self.net.features(x)
        return self.net.head(f) * self.net.scale, f


def rate(fn, images: int, seconds: float = 3.0) -> float:
    fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        n += images
    return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/out/nn")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    nets = {
        "resnet20": (CifarResNet(3), LogitsAndFeatures, 128, 64),
        "airbench": (AirbenchNet(), AirbenchPlain, 1024, 256),
    }
    report = {"torch": torch.__version__, "threads": args.threads, "nets": {}}
    for name, (net, wrap, train_batch, dim) in nets.items():
        net.eval()
        shipped = wrap(net).eval()
        x1, x32 = torch.randn(1, 3, 32, 32), torch.randn(32, 3, 32, 32)
        file = out / f"{name}.onnx"
        export_onnx(shipped, x32, file, ["logits", "features"])
        write_card({
            "name": f"bench-{name}", "task": "classification", "trained": False, "file": file.name,
            "input": {"name": "image", "shape": ["N", 3, 32, 32], "size": 32, "channels": 3, "layout": "NCHW", "mean": list(CIFAR10_MEAN), "std": list(CIFAR10_STD)},
            "outputs": [{"name": "logits", "shape": ["N", 10]}, {"name": "features", "shape": ["N", dim]}],
            "classes": [str(i) for i in range(10)], "sha256": sha256(file), "recipe": "/usr/bin/python3 bench/nn_reference.py",
            "notes": "seeded random weights: a speed benchmark model only",
        }, out / "manifest.json")
        r = {}
        with torch.no_grad():
            for layout in ("contiguous", "channels_last"):
                m = shipped.to(memory_format=torch.channels_last) if layout == "channels_last" else shipped.to(memory_format=torch.contiguous_format)
                cl = (lambda t: t.contiguous(memory_format=torch.channels_last)) if layout == "channels_last" else (lambda t: t)
                r[f"eager_b1_{layout}"] = rate(lambda: m(cl(x1)), 1)
                r[f"eager_b32_{layout}"] = rate(lambda: m(cl(x32)), 32)
        net.train().to(memory_format=torch.channels_last)
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        xb = torch.randn(train_batch, 3, 32, 32).contiguous(memory_format=torch.channels_last)
        yb = torch.randint(0, 10, (train_batch,))

        def step():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(net(xb), yb).backward()
            opt.step()

        r["train_images_per_s"] = rate(step, train_batch, 8.0)
        r["train_batch"] = train_batch
        r["epoch_seconds"] = 50_000 / r["train_images_per_s"]
        report["nets"][name] = r
    print(json.dumps(report))


if __name__ == "__main__":
    main()
