"""Recipe: the fast CIFAR-10 classifier (airbench94-style, see deja_train/airbench.py) → models/cifar-airbench.onnx.

    /usr/bin/python3 train/cifar_airbench.py            # trains (resuming train/checkpoints/cifar-airbench/), exports, writes the card
    /usr/bin/python3 train/cifar_airbench.py --smoke    # one batch on 512 images into a temporary folder (CI)

Data: ../shared/data/cifar10/train.tar.gz (50,000 images) for training; test.tar.gz (10,000), the
held-out split, is never trained on and only measured (no model selection: the last epoch ships).
Hyper-parameters are airbench94's (batch 1024, lr 11.5 and weight decay 0.0153 per 1024 examples,
Nesterov momentum 0.85, label smoothing 0.2, BN-bias lr ×64, 23 % warm-up, whitening bias trained for
3 epochs, Lookahead every 5 steps, alternating flips, 2-pixel translations, TTA level 2); epochs
default to 10 (airbench: 9.9). On 2 CPU cores an epoch takes minutes; on a GPU, seconds.
"""
import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deja_train.airbench import AirbenchNet, Lookahead, TestTimeAugmented, lr_factor  # noqa: E402
from deja_train.augment import random_translations  # noqa: E402
from deja_train.data import CIFAR10_JPEG_NOTE, CIFAR10_MEAN, CIFAR10_STD, cifar10  # noqa: E402
from deja_train.export import normalise  # noqa: E402
from deja_train.metrics import classification_metrics, predict  # noqa: E402
from deja_train.paths import MODELS  # noqa: E402
from deja_train.recipe import export_gradient_and_write_cards, add_run_arguments, classifier_card, epochs_now, export_checked, export_path, open_run  # noqa: E402
from deja_train.run import epoch_rng, pick_device, seed_everything  # noqa: E402

NAME = "cifar-airbench"


def augmented_epoch(padded: torch.Tensor, flip_mask: np.ndarray, epoch: int, rng: np.random.Generator, translate: int) -> torch.Tensor:
    """One epoch's images: random translations of up to `translate` px, and alternating flips."""
    out = random_translations(padded, rng, translate)
    # Alternating flip (airbench): a random half mirrored on even epochs, the other half on odd ones.
    flip = flip_mask ^ bool(epoch % 2)
    fidx = torch.from_numpy(np.nonzero(flip)[0]).to(padded.device)
    out[fidx] = out[fidx].flip(3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=float, default=10.0)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--tta", type=int, default=2, choices=[0, 1, 2], help="test-time augmentation level in the exported graph")
    ap.add_argument("--widths", default="64,256,256")
    add_run_arguments(ap, MODELS / f"{NAME}.onnx", smoke_help="one batch of 512 images, into a temporary folder (CI)")
    args = ap.parse_args()

    seed_everything(args.seed, args.threads)
    device = pick_device(args.device)
    limit = 52 if args.smoke else args.limit_per_class
    train, test = cifar10("train", limit), cifar10("test", 10 if args.smoke else args.test_limit_per_class)
    x_train = normalise(train.images, CIFAR10_MEAN, CIFAR10_STD).to(device)
    y_train = torch.from_numpy(train.labels).to(device)
    x_test = normalise(test.images, CIFAR10_MEAN, CIFAR10_STD)
    y_test = torch.from_numpy(test.labels)
    translate = 2
    padded = F.pad(x_train, (translate,) * 4, mode="reflect")

    widths = tuple(int(w) for w in args.widths.split(","))
    net = AirbenchNet(widths).to(device).to(memory_format=torch.channels_last)
    net.init_whitening(x_train[:5000])
    batch = min(args.batch_size, len(x_train))
    momentum = 0.85
    kilostep = 1024 * (1 + 1 / (1 - momentum))
    lr, wd = 11.5 / kilostep, 0.0153 * batch / kilostep
    lr_bias = lr * 64
    biases = [p for n, p in net.named_parameters() if "norm" in n and p.requires_grad]
    others = [p for n, p in net.named_parameters() if "norm" not in n and p.requires_grad and "whiten.weight" not in n]
    opt = torch.optim.SGD(
        [dict(params=biases, lr=lr_bias, weight_decay=wd / lr_bias), dict(params=others, lr=lr, weight_decay=wd / lr)],
        momentum=momentum,
        nesterov=True,
    )
    base_lrs = [g["lr"] for g in opt.param_groups]
    steps_per_epoch = math.ceil(len(x_train) / batch)
    total_steps = 1 if args.smoke else math.ceil(args.epochs * steps_per_epoch)
    epochs = 1 if args.smoke else math.ceil(args.epochs)

    run = open_run(NAME, args)
    lookahead = Lookahead(net)
    if run.resume(net, opt):
        lookahead.ema = {k: v.to(device) for k, v in run.extra["lookahead"].items()}
        print(f"resumed {NAME} after epoch {run.epoch} of {epochs}", flush=True)
    flip_mask = epoch_rng(args.seed, 1_000_000).random(len(x_train)) < 0.5
    alpha = 0.95**5 * (torch.arange(total_steps + 1) / total_steps) ** 3
    criterion = torch.nn.CrossEntropyLoss(label_smoothing=0.2, reduction="none")
    for epoch in epochs_now(run, epochs, args.max_epochs_now):
        t0 = time.time()
        if epoch >= 3:
            net.whiten.bias.requires_grad = False
        rng = epoch_rng(args.seed, epoch)
        images = augmented_epoch(padded, flip_mask, epoch, rng, translate)
        order = torch.from_numpy(rng.permutation(len(images))).to(device)
        net.train()
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(steps_per_epoch):
            step = epoch * steps_per_epoch + i
            if step >= total_steps:
                break
            for g, base in zip(opt.param_groups, base_lrs):
                g["lr"] = base * lr_factor(step, total_steps)
            idx = order[i * batch : (i + 1) * batch]
            x = images[idx].contiguous(memory_format=torch.channels_last)
            y = y_train[idx]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                out = net(x)
                loss = criterion(out.float(), y).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if step % 5 == 0:
                lookahead.update(net, decay=alpha[step].item())
            loss_sum += loss.item()
            correct += (out.argmax(1) == y).sum().item()
            seen += len(y)
        last_epoch = run.epoch + 1 == epochs
        if last_epoch:
            lookahead.update(net, decay=1.0)
        run.extra["lookahead"] = {k: v.detach().cpu() for k, v in lookahead.ema.items()}
        train_seconds = time.time() - t0
        logits = predict(net, x_test, device=device)
        m = classification_metrics(logits, y_test)
        test_loss = F.cross_entropy(logits, y_test).item()
        run.end_epoch(net, opt, {
            "train_loss": loss_sum / max(1, seen), "train_acc": correct / max(1, seen), "test_loss": test_loss,
            "test_acc": m["accuracy"], "lr": opt.param_groups[1]["lr"], "seconds": round(train_seconds, 1), "device": device.type,
        })
    if run.epoch < epochs:
        return

    # Export the test-time-augmented network and check it through onnxruntime-node.
    shipped = TestTimeAugmented(net.cpu().float().to(memory_format=torch.contiguous_format), level=args.tta)
    out = export_path(NAME, args, MODELS / f"{NAME}.onnx")
    m, _, _ = export_checked(shipped, x_test, y_test, out)
    train_seconds = sum(r["seconds"] for r in run.log)
    devices = sorted({r["device"] for r in run.log})
    card = classifier_card(
        NAME, out, 32, CIFAR10_MEAN, CIFAR10_STD, train.classes, widths[2],
        (f"class logits, averaged over test-time views (TTA level {args.tta})", "penultimate features (pooled last conv group), averaged over the same views"),
        recipe=f"/usr/bin/python3 train/cifar_airbench.py --epochs {args.epochs:g} --seed {args.seed} --tta {args.tta}",
        data="cifar10/train.tar.gz (50,000 images), never the test split",
        split="cifar10/test.tar.gz (10,000 images)",
        metrics={"accuracy": round(m["accuracy"], 4), "ece": round(m["ece"], 4), "epochs": run.epoch, "trainSeconds": round(train_seconds), "trainThreads": args.threads},
        notes=f"airbench94-style network (whitened 2x2 first layer, widths {args.widths}, label smoothing 0.2, Lookahead, TTA level {args.tta}), trained from scratch on {'/'.join(devices)}. {CIFAR10_JPEG_NOTE} "
              f"Training took {train_seconds / 3600:.2f} h of wall time on {args.threads} threads; retraining on other hardware gives other bytes (and a new sha256).",
    )
    export_gradient_and_write_cards(shipped, card, out, x_test, y_test, args)
    print(f"card written to {MODELS / 'manifest.json'}", flush=True)


if __name__ == "__main__":
    main()
