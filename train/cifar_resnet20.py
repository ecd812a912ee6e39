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

`--adversarial-eps 8/255` trains on PGD examples instead (Madry et al. 2018, deja_train/adversarial.py;
7 steps of 2/255 by default), as the model `cifar-resnet20-madry` in its own run folder; each step then
costs 1 + steps forward-backward passes, and the card adds the accuracy under PGD-10 at that radius on
the first 1,000 test images.
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
from deja_train.adversarial import add_adversarial_arguments, adversarial_from_args, adversarial_flags, adversarial_name, pgd_examples, robustness_metrics  # noqa: E402
from deja_train.augment import random_translations  # noqa: E402
from deja_train.data import CIFAR10_JPEG_NOTE, CIFAR10_MEAN, CIFAR10_STD, cifar10  # noqa: E402
from deja_train.export import normalise  # noqa: E402
from deja_train.metrics import classification_metrics, predict  # noqa: E402
from deja_train.paths import MODELS  # noqa: E402
from deja_train.recipe import export_gradient_and_write_cards, add_run_arguments, classifier_card, epochs_now, export_checked, export_path, open_run  # noqa: E402
from deja_train.resnet_cifar import CifarResNet, LogitsAndFeatures  # noqa: E402
from deja_train.run import epoch_rng, pick_device, seed_everything  # noqa: E402

NAME = "cifar-resnet20"


def crops_and_flips(padded: torch.Tensor, rng: np.random.Generator, pad: int) -> torch.Tensor:
    """Random crops of the padded images (§4.2) and random horizontal flips."""
    out = random_translations(padded, rng, pad)
    n = len(out)
    fidx = torch.from_numpy(np.nonzero(rng.random(n) < 0.5)[0]).to(padded.device)
    out[fidx] = out[fidx].flip(3)
    return out


def card_notes(args, pgd, seconds: float, devices: list[str]) -> str:
    """The model card's notes: what was trained, how long, and the paper figure it answers to."""
    schedule = "the paper's schedule" if args.iterations == 64000 else f"the paper's schedule scaled to {args.iterations} iterations (lr ÷10 at 50 % and 75 %)"
    if pgd is None:
        paper = "The paper reports 8.75 % test error for ResNet-20."
    else:
        # Madry et al. 2018, Table 2 (CIFAR-10): a 10x wider ResNet, 7 steps of 2/255, 80k iterations.
        paper = ("Madry et al. report 87.3 % clean and 45.8 % under PGD-20 at 8/255 with a 10x wider ResNet trained on 7-step PGD for 80k iterations; "
                 "this ResNet-20 has 0.27 M parameters and fewer, cheaper attack steps, so expect lower figures on both.")
    return (f"ResNet-{args.depth} (He et al. 2016 §4.2, option A shortcuts), {schedule}{'; ' + pgd.describe() if pgd else ''}; trained from scratch on "
            f"{'/'.join(devices)} in {seconds / 3600:.2f} h. {paper} {CIFAR10_JPEG_NOTE} Retraining on other hardware gives other bytes (and a new sha256).")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=64_000, help="the paper's 64k (learning rate ÷10 at 50 %% and 75 %%)")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--depth", type=int, default=20, help="6n+2: 20, 32, 44, 56, 110")
    add_run_arguments(ap, None)
    add_adversarial_arguments(ap)
    args = ap.parse_args()
    pgd = adversarial_from_args(args)
    if (args.depth - 2) % 6:
        raise SystemExit(f"deja-train: --depth {args.depth} is not 6n+2 (20, 32, 44, 56, 110)")
    name = adversarial_name(NAME if args.depth == 20 else f"cifar-resnet{args.depth}", pgd)

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
    run = open_run(name, args)
    if run.resume(net, opt):
        print(f"resumed {name} after epoch {run.epoch} of {epochs}", flush=True)
    for epoch in epochs_now(run, epochs, args.max_epochs_now):
        t0 = time.time()
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
            if pgd is not None:
                x = pgd_examples(net, x, y, pgd, CIFAR10_MEAN, CIFAR10_STD)
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
    if run.epoch < epochs:
        return

    shipped = LogitsAndFeatures(net.cpu().float().to(memory_format=torch.contiguous_format))
    out = export_path(name, args, MODELS / f"{name}.onnx")
    m, _, _ = export_checked(shipped, x_test, y_test, out)
    seconds = sum(r["seconds"] for r in run.log)
    card = classifier_card(
        name, out, 32, CIFAR10_MEAN, CIFAR10_STD, train.classes, 64, ("class logits", "penultimate features (global average pool)"),
        recipe=f"/usr/bin/python3 train/cifar_resnet20.py --depth {args.depth} --iterations {args.iterations} --seed {args.seed}{adversarial_flags(pgd)}",
        data="cifar10/train.tar.gz (50,000 images), never the test split",
        split="cifar10/test.tar.gz (10,000 images)",
        metrics={"accuracy": round(m["accuracy"], 4), "ece": round(m["ece"], 4), "epochs": run.epoch, "trainSeconds": round(seconds), "trainThreads": args.threads,
                 **robustness_metrics(shipped, x_test, y_test, pgd, CIFAR10_MEAN, CIFAR10_STD)},
        notes=card_notes(args, pgd, seconds, sorted({r["device"] for r in run.log})),
    )
    export_gradient_and_write_cards(shipped, card, out, x_test, y_test, args)


if __name__ == "__main__":
    main()
