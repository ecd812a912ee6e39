"""Recipe: ResNet-20 on CIFAR-10, He et al. 2016 §4.2 → models/cifar-resnet20.onnx.

    /usr/bin/python3 train/cifar_resnet20.py                       # trains (resuming), exports, writes the card
    /usr/bin/python3 train/cifar_resnet20.py --max-epochs-now 20   # at most 20 epochs now; rerun to resume
    /usr/bin/python3 train/cifar_resnet20.py --smoke               # one batch, temporary folder (CI)

The paper's protocol: batch 128, SGD momentum 0.9, weight decay 1e-4, learning rate 0.1 divided by 10
at 32k and 48k iterations, stopped at 64k (164 epochs of 391 iterations); 4-pixel zero padding and
random 32×32 crops, random horizontal flips; He initialisation; the paper reports 8.75 % test error.
(The paper subtracts the per-pixel mean; we standardise per channel, which is equivalent up to the
first layer's batch norm.) Data: cifar10/train.tar.gz (50,000); cifar10/test.tar.gz is held out and
only measured. On 2 CPU cores an epoch takes about 3.4 minutes; the run resumes across sessions.
"""
import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deja_train.data import CIFAR10_MEAN, CIFAR10_STD, cifar10  # noqa: E402
from deja_train.export import check_onnx, export_onnx, normalise, sha256, write_card  # noqa: E402
from deja_train.input_gradient import export_input_gradient  # noqa: E402
from deja_train.metrics import classification_metrics, predict  # noqa: E402
from deja_train.paths import MODELS  # noqa: E402
from deja_train.resnet_cifar import CifarResNet, LogitsAndFeatures  # noqa: E402
from deja_train.run import Run, epoch_rng, pick_device, seed_everything  # noqa: E402

NAME = "cifar-resnet20"


def crops_and_flips(padded: torch.Tensor, rng: np.random.Generator, pad: int) -> torch.Tensor:
    n, c, hp, wp = padded.shape
    h, w = hp - 2 * pad, wp - 2 * pad
    out = torch.empty((n, c, h, w), dtype=padded.dtype, device=padded.device)
    dx, dy = rng.integers(0, 2 * pad + 1, n), rng.integers(0, 2 * pad + 1, n)
    for x in range(2 * pad + 1):
        for y in range(2 * pad + 1):
            idx = torch.from_numpy(np.nonzero((dx == x) & (dy == y))[0]).to(padded.device)
            out[idx] = padded[idx, :, y : y + h, x : x + w]
    fidx = torch.from_numpy(np.nonzero(rng.random(n) < 0.5)[0]).to(padded.device)
    out[fidx] = out[fidx].flip(3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=64_000, help="the paper's 64k (learning rate ÷10 at 50 %% and 75 %%)")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--depth", type=int, default=20, help="6n+2: 20, 32, 44, 56, 110")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=None)
    ap.add_argument("--run-dir", default=None, help="checkpoint folder (default train/checkpoints/<name>)")
    ap.add_argument("--limit-per-class", type=int, default=0, help="train on the first N images of each class (tests)")
    ap.add_argument("--test-limit-per-class", type=int, default=0, help="measure on the first N test images of each class (tests)")
    ap.add_argument("--manifest", default=str(MODELS / "manifest.json"), help="the manifest the card goes into")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--max-epochs-now", type=int, default=0, help="stop after this many epochs in this invocation; rerun to resume")
    args = ap.parse_args()
    if (args.depth - 2) % 6:
        raise SystemExit(f"deja-train: --depth {args.depth} is not 6n+2 (20, 32, 44, 56, 110)")
    name = NAME if args.depth == 20 else f"cifar-resnet{args.depth}"

    seed_everything(args.seed, args.threads)
    device = pick_device(args.device)
    train, test = cifar10("train", 13 if args.smoke else args.limit_per_class), cifar10("test", 10 if args.smoke else args.test_limit_per_class)
    x_train = normalise(train.images, CIFAR10_MEAN, CIFAR10_STD).to(device)
    y_train = torch.from_numpy(train.labels).to(device)
    x_test, y_test = normalise(test.images, CIFAR10_MEAN, CIFAR10_STD), torch.from_numpy(test.labels)
    padded = F.pad(x_train, (4, 4, 4, 4))  # zero padding, §4.2

    net = CifarResNet((args.depth - 2) // 6).to(device).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    batch = args.batch_size
    steps_per_epoch = math.ceil(len(x_train) / batch)
    total = 1 if args.smoke else args.iterations
    epochs = math.ceil(total / steps_per_epoch)
    folder = Path(tempfile.mkdtemp(prefix="deja-smoke-")) if args.smoke else None
    run = Run(name, Path(args.run_dir) if args.run_dir else folder)
    if run.resume(net, opt):
        print(f"resumed {name} after epoch {run.epoch} of {epochs}", flush=True)
    done_now = 0
    while run.epoch < epochs:
        epoch, t0 = run.epoch, time.time()
        rng = epoch_rng(args.seed, epoch)
        images = crops_and_flips(padded, rng, 4)
        order = torch.from_numpy(rng.permutation(len(images))).to(device)
        net.train()
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(steps_per_epoch):
            step = epoch * steps_per_epoch + i
            if step >= total:
                break
            lr = 0.1 * (0.1 ** ((step >= total * 0.5) + (step >= total * 0.75)))  # 32k and 48k of 64k
            for g in opt.param_groups:
                g["lr"] = lr
            idx = order[i * batch : (i + 1) * batch]
            x, y = images[idx].contiguous(memory_format=torch.channels_last), y_train[idx]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                out = net(x)
                loss = F.cross_entropy(out.float(), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            seen += len(y)
        seconds = time.time() - t0
        logits = predict(net, x_test, device=device)
        m = classification_metrics(logits, y_test)
        run.end_epoch(net, opt, {
            "train_loss": loss_sum / max(1, seen), "train_acc": correct / max(1, seen), "test_loss": F.cross_entropy(logits, y_test).item(),
            "test_acc": m["accuracy"], "lr": lr, "seconds": round(seconds, 1), "device": device.type,
        })
        done_now += 1
        if args.max_epochs_now and done_now >= args.max_epochs_now and run.epoch < epochs:
            print(f"stopped after epoch {run.epoch} of {epochs}; rerun the same command to resume", flush=True)
            return

    shipped = LogitsAndFeatures(net.cpu().float().to(memory_format=torch.contiguous_format))
    out = Path(tempfile.mkdtemp()) / f"{name}.onnx" if args.smoke else Path(args.out or MODELS / f"{name}.onnx")
    export_onnx(shipped, x_test[:2], out, ["logits", "features"])
    report = check_onnx(shipped, out, x_test[:64], ["logits", "features"])
    m = classification_metrics(predict(shipped, x_test, batch=500), y_test)
    seconds = sum(r["seconds"] for r in run.log)
    print(f"exported {out} ({out.stat().st_size} bytes): test accuracy {m['accuracy']:.4f}, ECE {m['ece']:.4f}, ONNX check {report}", flush=True)
    card = {
        "name": name,
        "task": "classification",
        "trained": True,
        "file": out.name,
        "input": {"name": "image", "shape": ["N", 3, 32, 32], "size": 32, "channels": 3, "layout": "NCHW", "mean": list(CIFAR10_MEAN), "std": list(CIFAR10_STD)},
        "outputs": [
            {"name": "logits", "shape": ["N", 10], "description": "class logits"},
            {"name": "features", "shape": ["N", 64], "description": "penultimate features (global average pool)"},
        ],
        "classes": train.classes,
        "sha256": sha256(out),
        "recipe": f"/usr/bin/python3 train/cifar_resnet20.py --depth {args.depth} --iterations {args.iterations} --seed {args.seed}",
        "data": "cifar10/train.tar.gz (50,000 images), never the test split",
        "split": "cifar10/test.tar.gz (10,000 images)",
        "metrics": {"accuracy": round(m["accuracy"], 4), "ece": round(m["ece"], 4), "epochs": run.epoch, "trainSeconds": round(seconds), "trainThreads": args.threads},
        "notes": f"ResNet-{args.depth} (He et al. 2016 §4.2, option A shortcuts), the paper's schedule; trained from scratch on {'/'.join(sorted({r['device'] for r in run.log}))} "
                 f"in {seconds / 3600:.2f} h. The paper reports 8.75 % test error for ResNet-20. Retraining on other hardware gives other bytes (and a new sha256).",
    }
    # The input-gradient graph beside it (deja attack): d loss / d image, checked against autograd and onnxruntime-node.
    grad_card, grad_report = export_input_gradient(shipped, card, out, x_test[:16], y_test[:16])
    card["gradient"] = grad_card["name"]
    print(f"input-gradient graph {out.with_name(grad_card['file'])} checked: {grad_report['autograd']['gradient']:.2g} from autograd, "
          f"{grad_report['onnx']['gradientMaxAbsDiffAwayFromKinks']:.2g} through onnxruntime-node", flush=True)
    if args.smoke:
        return
    write_card(card, Path(args.manifest))
    write_card(grad_card, Path(args.manifest))


if __name__ == "__main__":
    main()
