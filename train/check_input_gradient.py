"""Checks the input-gradient graphs (deja_train/input_gradient.py) of both CIFAR networks, and writes a
small attack fixture for the TypeScript tests.

    /usr/bin/python3 train/check_input_gradient.py                          # ResNet-20 and airbench (TTA level 2): autograd and onnxruntime-node
    /usr/bin/python3 train/check_input_gradient.py --check airbench-tta2    # one of them
    /usr/bin/python3 train/check_input_gradient.py --check "" --write DIR   # only DIR/cifar-resnet20-fixture{,-grad}.onnx, checked, with their cards in DIR/manifest.json

No training: each network gets seeded random weights, batch-norm statistics from a pass over real
training images (so every activation, mask and arg max is in the regime a trained net sees) and
random batch-norm scales and biases; the airbench net gets its whitening layer from the data. The
check runs 16 real test images with their labels through the graph, torch.autograd and
onnxruntime-node, and fails over 1e-4. With --write, the ResNet-20's last layer is then fitted
(multinomial logistic regression on its frozen random features, a few seconds) so that it classifies
real photos better than chance: a fixture for the attack tests, not a model to use.
Prints one JSON line per network checked (and one for the fixture's gradient graph).
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deja_train.airbench import AirbenchNet, TestTimeAugmented  # noqa: E402
from deja_train.data import CIFAR10_MEAN, CIFAR10_STD, cifar10  # noqa: E402
from deja_train.export import check_onnx, export_onnx, normalise, sha256, write_card  # noqa: E402
from deja_train.input_gradient import export_input_gradient  # noqa: E402
from deja_train.metrics import classification_metrics, predict  # noqa: E402
from deja_train.resnet_cifar import CifarResNet, LogitsAndFeatures  # noqa: E402

FIXTURE = "cifar-resnet20-fixture"


@torch.no_grad()
def calibrate(net: torch.nn.Module, images: torch.Tensor, generator: torch.Generator) -> None:
    """Batch-norm running statistics from `images` (train-mode passes), then random affine parameters."""
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the passes
    net.train()
    for i in range(0, len(images), 128):
        net(images[i : i + 128])
    net.eval()
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            if m.weight.requires_grad:
                m.weight.mul_(0.5 + torch.rand(m.weight.shape, generator=generator))
            m.bias.add_(0.2 * torch.randn(m.bias.shape, generator=generator))


def card_for(name: str, classes: list, features: int, recipe: str, metrics: dict) -> dict:
    return {
        "name": name,
        "task": "classification",
        "trained": False,
        "file": f"{name}.onnx",
        "input": {"name": "image", "shape": ["N", 3, 32, 32], "size": 32, "channels": 3, "layout": "NCHW", "mean": list(CIFAR10_MEAN), "std": list(CIFAR10_STD)},
        "outputs": [{"name": "logits", "shape": ["N", 10], "description": "class logits"}, {"name": "features", "shape": ["N", features], "description": "penultimate features"}],
        "classes": classes,
        "sha256": "",
        "recipe": recipe,
        "data": "random convolutions (seeded), batch-norm statistics and the last layer from the first 100 images per class of cifar10/train.tar.gz",
        "split": "cifar10/test.tar.gz (10,000 images)",
        "metrics": metrics,
        "notes": "Test fixture for the attack tests (train/check_input_gradient.py --write): random features with a fitted last layer, not a model to use.",
    }


def fit_head(net: CifarResNet, images: torch.Tensor, labels: torch.Tensor, steps: int = 300) -> None:
    """Multinomial logistic regression of the last layer on the frozen features (L-BFGS, weight decay 1e-3)."""
    with torch.no_grad():
        f = net.features(images)
    fc = net.fc
    opt = torch.optim.LBFGS(fc.parameters(), max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(fc(f), labels) + 1e-3 * fc.weight.square().sum()
        loss.backward()
        return loss

    opt.step(closure)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", default="resnet20,airbench-tta2", help="networks to check, comma-separated (resnet20, airbench-tta2; empty: none)")
    ap.add_argument("--write", default=None, help="folder for the fixture classifier, its gradient graph and manifest.json")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(args.seed)
    train, test = cifar10("train", 100), cifar10("test", 10)
    x_train, y_train = normalise(train.images, CIFAR10_MEAN, CIFAR10_STD), torch.from_numpy(train.labels)
    x_test, y_test = normalise(test.images, CIFAR10_MEAN, CIFAR10_STD), torch.from_numpy(test.labels)
    pick = torch.arange(0, len(x_test), max(1, len(x_test) // 16))[:16]  # 16 test images across the classes
    images, labels = x_test[pick], y_test[pick]

    checks = [c for c in args.check.split(",") if c]
    unknown = set(checks) - {"resnet20", "airbench-tta2"}
    if unknown:
        raise SystemExit(f"deja-train: unknown network {sorted(unknown)[0]!r} for --check: must be one of [resnet20, airbench-tta2]")
    resnet = CifarResNet(3)
    calibrate(resnet, x_train, g)
    air = AirbenchNet(widths=(16, 32, 32))
    air.init_whitening(x_train[:500])
    calibrate(air, x_train, g)
    for name, shipped in (("resnet20", LogitsAndFeatures(resnet)), ("airbench-tta2", TestTimeAugmented(air, level=2))):
        if name not in checks:
            continue
        with tempfile.TemporaryDirectory() as d:
            file = Path(d) / f"{name}.onnx"
            export_onnx(shipped, images, file, ["logits", "features"])
            card = card_for(name, train.classes, 64, "check", {})
            _, report = export_input_gradient(shipped, card, file, images, labels)
        print(json.dumps({"network": name, **report}), flush=True)

    if args.write:
        out = Path(args.write)
        out.mkdir(parents=True, exist_ok=True)
        fit_head(resnet, x_train, y_train)
        shipped = LogitsAndFeatures(resnet).eval()
        file = out / f"{FIXTURE}.onnx"
        export_onnx(shipped, images, file, ["logits", "features"])
        check_onnx(shipped, file, images, ["logits", "features"])
        m = classification_metrics(predict(shipped, x_test), y_test)
        card = card_for(FIXTURE, train.classes, 64, f"/usr/bin/python3 train/check_input_gradient.py --write {args.write} --seed {args.seed}",
                        {"accuracy": round(m["accuracy"], 4), "ece": round(m["ece"], 4)})
        card["sha256"] = sha256(file)
        grad_card, report = export_input_gradient(shipped, card, file, images, labels)
        print(json.dumps({"network": FIXTURE, **report}), flush=True)
        card["gradient"] = grad_card["name"]
        manifest = out / "manifest.json"
        write_card(card, manifest)
        write_card(grad_card, manifest)
        print(json.dumps({"fixture": str(file), "accuracy": m["accuracy"], "tests": len(x_test)}), flush=True)


if __name__ == "__main__":
    main()
