"""Recipe: a scene CNN trained from scratch on intel-scenes (6 classes) → models/intel-scenes-cnn.onnx.

    /usr/bin/python3 train/intel_scenes_cnn.py                       # trains (resuming train/checkpoints/intel-scenes-cnn/), exports, writes the card
    /usr/bin/python3 train/intel_scenes_cnn.py --max-epochs-now 10   # at most 10 epochs now; rerun the same command to resume
    /usr/bin/python3 train/intel_scenes_cnn.py --smoke               # one batch of 48 photos into a temporary folder (CI)

Data: ../shared/data/intel-scenes/train.tar.gz (14,034 colour photos, 150×150). Held out, never trained
on and only measured (no model selection: the last epoch ships): bench/classify.ts's rule on all of
them, the first 2,807 (20 %) of the tar-order members shuffled by Deja's Rng(5) (deja_train/splits.py,
bit for bit src/core/rng.ts); its first 1,200 are the queries of the kNN rows of bench/classify.md,
and the card reports accuracy on those too (`benchQueryAccuracy`). The list is written to the run
folder as held-out.txt. Training: the other 11,227.

Input 112 px: the shorter side resized to 112 (Lanczos-3) and the centre cropped (deja_train.data, as
Deja's model path does), normalised by the training split's channel mean/std. Network: airbench94's (deja_train/airbench.py)
scaled to the larger input: its frozen whitening layer on non-overlapping 2×2 patches (112 → 56, lossless),
four conv groups 48/96/192/384 (56 → 28 → 14 → 7 → 3) and a global max pool; 2.6 M parameters,
0.19 GMAC a photo. Training is airbench94's too: label smoothing 0.2, Nesterov SGD (momentum
0.85, lr 11.5 and weight decay 0.0153 per 1024 examples, BN-bias lr ×64), warm-up over 23 % of the
steps then a linear decay, Lookahead every 5 steps, whitening bias trained for 3 epochs, batch 256;
augmentation: random-resized crops (30–100 % of the area, aspect 3/4–4/3) and horizontal flips. The
exported graph averages the photo and its mirror (TTA level 1).

Cost (measured on the 2-core AMD EPYC VM, torch 1.13, 2 threads, while other jobs loaded it to a load
average of 11–13; each log row has `cpu_seconds` beside the wall `seconds`): training takes 41 CPU-ms a
photo, evaluation 14 (batches of 100), so an epoch (11,227 photos trained, 2,807 measured) is about
500 CPU-s: about 4.2 minutes on 2 otherwise idle cores, and 40 epochs about 2.8 hours (in resumable
pieces: `--max-epochs-now 10` four times). On the loaded machine the wall time was 70–110 ms a
training photo, 15–20 minutes an epoch. On a GPU (CUDA + bf16 autocast) the whole run takes minutes. Expected:
≥ 90 % held-out accuracy (from-scratch ResNet-like results on this data set are 88–92 %; pretrained
networks reach about 94 %, the labels' mistakes cap it); not yet measured at the full 40 epochs.
The schedule depends on --epochs, so a checkpoint resumes only with the flags it was started with
(anything else is refused).
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
from deja_train.augment import crop_boxes, resized_crops  # noqa: E402
from deja_train.data import class_of, read_labelled_tar, tar_members  # noqa: E402
from deja_train.export import normalise, write_card  # noqa: E402
from deja_train.metrics import classification_metrics, predict  # noqa: E402
from deja_train.paths import MODELS, SHARED_DATA  # noqa: E402
from deja_train.recipe import add_run_arguments, classifier_card, epochs_now, export_checked, export_path, open_run  # noqa: E402
from deja_train.run import epoch_rng, pick_device, seed_everything  # noqa: E402
from deja_train.splits import bench_held_out  # noqa: E402

NAME = "intel-scenes-cnn"
TAR = "intel-scenes/train.tar.gz"
SIZE = 112
#: Channel mean/std of the 11,227 training photos at 112 px (pixels in [0, 1], Lanczos-resized as deja_train.data does).
MEAN = (0.4302, 0.4578, 0.4551)
STD = (0.2612, 0.2601, 0.2909)
BENCH_QUERIES = 1200  # bench/classify.ts: 20 % of its seeded 6,000
EPOCHS = 40
EVAL_BATCH = 100  # on CPU, 30 % less time a photo than batches of 500 (measured: 14 vs 20 CPU-ms)


def first_per_class(names: list, limit: int) -> list:
    """The first `limit` names of each class folder, in the given order (all when limit is 0)."""
    if not limit:
        return list(names)
    seen, out = {}, []
    for n in names:
        c = class_of(n)
        if seen.get(c, 0) < limit:
            seen[c] = seen.get(c, 0) + 1
            out.append(n)
    return out


def load_split(train_limit: int, test_limit: int):
    """(train, test, held-out names in shuffle order): the tar's photos split by `bench_held_out`."""
    tar = SHARED_DATA / TAR
    members = tar_members(tar)
    held = [members[i] for i in bench_held_out(len(members))]
    held_set = set(held)
    train_names = first_per_class([m for m in members if m not in held_set], train_limit)
    test_names = first_per_class([m for m in members if m in held_set], test_limit)
    wanted = train_names + test_names
    data = read_labelled_tar(tar, SIZE, members=None if len(wanted) == len(members) else wanted)
    index = {n: i for i, n in enumerate(data.names)}
    pick = lambda names: np.array([index[n] for n in names], dtype=np.int64)  # noqa: E731
    tr, te = pick(train_names), pick(test_names)
    return (data.images[tr], data.labels[tr], train_names), (data.images[te], data.labels[te], test_names), data.classes, held


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--tta", type=int, default=1, choices=[0, 1, 2], help="test-time augmentation level in the exported graph (1: the photo and its mirror)")
    ap.add_argument("--widths", default="48,96,192,384")
    add_run_arguments(ap, MODELS / f"{NAME}.onnx", smoke_help="one batch of 48 photos, into a temporary folder (CI)")
    args = ap.parse_args()

    seed_everything(args.seed, args.threads)
    device = pick_device(args.device)
    train, test, classes, held = load_split(8 if args.smoke else args.limit_per_class, 4 if args.smoke else args.test_limit_per_class)
    x_train = torch.from_numpy(train[0]).permute(0, 3, 1, 2).contiguous().to(device)  # uint8 NCHW; normalised per batch
    y_train = torch.from_numpy(train[1]).to(device)
    x_test, y_test = normalise(test[0], MEAN, STD), torch.from_numpy(test[1])
    queries = set(held[:BENCH_QUERIES])
    in_bench = torch.tensor([name in queries for name in test[2]], dtype=torch.bool)
    mean = torch.tensor(MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=device).view(1, 3, 1, 1)

    widths = tuple(int(w) for w in args.widths.split(","))
    net = AirbenchNet(widths, classes=len(classes), whiten_stride=2, pool=0).to(device).to(memory_format=torch.channels_last)
    n = len(x_train)
    net.init_whitening(normalise(train[0][:: max(1, n // 500)], MEAN, STD).to(device))  # 500 photos spread over the classes
    batch = min(args.batch_size, n)
    momentum = 0.85
    kilostep = 1024 * (1 + 1 / (1 - momentum))
    lr, wd = 11.5 / kilostep, 0.0153 * batch / kilostep
    lr_bias = lr * 64
    biases = [p for name, p in net.named_parameters() if "norm" in name and p.requires_grad]
    others = [p for name, p in net.named_parameters() if "norm" not in name and p.requires_grad and "whiten.weight" not in name]
    opt = torch.optim.SGD(
        [dict(params=biases, lr=lr_bias, weight_decay=wd / lr_bias), dict(params=others, lr=lr, weight_decay=wd / lr)],
        momentum=momentum,
        nesterov=True,
    )
    base_lrs = [g["lr"] for g in opt.param_groups]
    steps_per_epoch = math.ceil(n / batch)
    epochs = 1 if args.smoke else args.epochs
    total_steps = 1 if args.smoke else epochs * steps_per_epoch

    run = open_run(NAME, args)
    (run.folder / "held-out.txt").write_text("".join(f"{h}\n" for h in held))
    lookahead = Lookahead(net)
    config = {"epochs": epochs, "batch_size": batch, "widths": args.widths, "seed": args.seed, "train": n, "held_out": len(x_test)}
    if run.resume(net, opt):
        if run.extra.get("config", config) != config:
            raise SystemExit(f"deja-train: {run.checkpoint} was started with {run.extra['config']}, not {config}; rerun with its flags or use another --run-dir")
        lookahead.ema = {k: v.to(device) for k, v in run.extra["lookahead"].items()}
        print(f"resumed {NAME} after epoch {run.epoch} of {epochs}", flush=True)
    run.extra["config"] = config
    print(f"{NAME}: {n} training photos, {len(x_test)} held out ({int(in_bench.sum())} of them bench/classify queries), {len(classes)} classes, "
          f"{steps_per_epoch} steps of {batch} an epoch, {epochs} epochs, on {device.type}", flush=True)
    alpha = 0.95**5 * (torch.arange(total_steps + 1) / total_steps) ** 3
    criterion = torch.nn.CrossEntropyLoss(label_smoothing=0.2, reduction="none")
    for epoch in epochs_now(run, epochs, args.max_epochs_now):
        t0, cpu0 = time.time(), time.process_time()
        if epoch >= 3:
            net.whiten.bias.requires_grad = False
        rng = epoch_rng(args.seed, epoch)
        order = torch.from_numpy(rng.permutation(n)).to(device)
        boxes = torch.from_numpy(crop_boxes(rng, n)).to(device)
        net.train()
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(steps_per_epoch):
            step = epoch * steps_per_epoch + i
            if step >= total_steps:
                break
            for g, base in zip(opt.param_groups, base_lrs):
                g["lr"] = base * lr_factor(step, total_steps)
            idx = order[i * batch : (i + 1) * batch]
            x = resized_crops((x_train[idx].float().div_(255) - mean) / std, boxes[idx]).contiguous(memory_format=torch.channels_last)
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
        if run.epoch + 1 == epochs:
            lookahead.update(net, decay=1.0)
        run.extra["lookahead"] = {k: v.detach().cpu() for k, v in lookahead.ema.items()}
        train_seconds, cpu_seconds = time.time() - t0, time.process_time() - cpu0
        logits = predict(net, x_test, batch=EVAL_BATCH, device=device)
        m = classification_metrics(logits, y_test)
        run.end_epoch(net, opt, {
            "train_loss": loss_sum / max(1, seen), "train_acc": correct / max(1, seen), "test_loss": F.cross_entropy(logits, y_test).item(),
            "test_acc": m["accuracy"], "lr": opt.param_groups[1]["lr"], "seconds": round(train_seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
            "eval_seconds": round(time.time() - t0 - train_seconds, 1), "device": device.type,
        })
    if run.epoch < epochs:
        return

    shipped = TestTimeAugmented(net.cpu().float().to(memory_format=torch.contiguous_format), level=args.tta)
    out = export_path(NAME, args, MODELS / f"{NAME}.onnx")
    m, _, logits = export_checked(shipped, x_test, y_test, out, batch=EVAL_BATCH)
    bench = classification_metrics(logits[in_bench], y_test[in_bench]) if in_bench.any() else {"accuracy": float("nan")}
    print(f"held-out accuracy {m['accuracy']:.4f} on {len(y_test)} photos; {bench['accuracy']:.4f} on the {int(in_bench.sum())} bench/classify queries", flush=True)
    if args.smoke:
        return
    train_seconds = sum(r["seconds"] for r in run.log)
    wall = train_seconds + sum(r.get("eval_seconds", 0) for r in run.log)
    devices = "/".join(sorted({r["device"] for r in run.log}))
    # The held-out members beside the model, so `deja eval classify --model` evaluates exactly them (card: splitMembers).
    members = out.with_name(f"{NAME}.held-out.txt")
    members.write_text("".join(f"{h}\n" for h in held))
    card = classifier_card(
        NAME, out, SIZE, MEAN, STD, classes, widths[-1],
        (f"class logits, averaged over test-time views (TTA level {args.tta}: the photo and its mirror)", "penultimate features (global max pool of the last conv group), averaged over the same views"),
        recipe=f"/usr/bin/python3 train/intel_scenes_cnn.py --epochs {args.epochs} --seed {args.seed} --tta {args.tta} --widths {args.widths} --batch-size {args.batch_size}",
        data=f"{TAR}: the {n:,} photos not held out (all 14,034 but the split's)",
        split=f"{TAR} — held out: the first 2,807 (20 %) of its 14,034 photos in tar-member order shuffled by Deja's Rng(5).shuffle "
              f"(mulberry32 Fisher-Yates, src/core/rng.ts; train/deja_train/splits.py bench_held_out), the rule of bench/classify.ts, whose "
              f"intel-scenes kNN queries are the first 1,200 of it (benchQueryAccuracy); list: {members.name}",
        metrics={"accuracy": round(m["accuracy"], 4), "ece": round(m["ece"], 4), "benchQueryAccuracy": round(bench["accuracy"], 4), "heldOut": len(y_test),
                 "epochs": run.epoch, "trainSeconds": round(train_seconds), "trainThreads": args.threads},
        notes=f"airbench94-style network scaled to 112 px (whitened non-overlapping 2x2 patches, conv groups {args.widths}, global max pool, label smoothing 0.2, "
              f"Lookahead, random-resized crops and flips, TTA level {args.tta}), trained from scratch on {devices} in {wall / 3600:.2f} h of wall time "
              f"({args.threads} threads; evaluation each epoch included). Scenes only: buildings, forest, glacier, mountain, sea, street; the labels "
              f"have known mistakes (mountain/glacier, buildings/street). Retraining on other hardware gives other bytes (and a new sha256).",
    )
    card["splitMembers"] = members.name
    write_card(card, Path(args.manifest))
    print(f"card written to {args.manifest}", flush=True)


if __name__ == "__main__":
    main()
