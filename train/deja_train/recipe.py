"""What every classification recipe shares: its run flags, the run folder, this invocation's epochs,
the checked export and the card.

    ap = argparse.ArgumentParser(...)
    add_run_arguments(ap, out=MODELS / "name.onnx")      # --seed --device --threads --out --run-dir
                                                         # --limit-per-class --test-limit-per-class
                                                         # --manifest --smoke --max-epochs-now
    run = open_run("name", args)                         # a temporary folder with --smoke
    for epoch in epochs_now(run, epochs, args.max_epochs_now):
        ...; run.end_epoch(net, opt, row)
    if run.epoch < epochs: return                        # stopped early; rerun to resume
    m, report = export_checked(shipped, x_test, y_test, export_path("name", args))
    write_card(classifier_card(...), Path(args.manifest))
"""
import tempfile
from pathlib import Path

import torch

from .export import check_onnx, export_onnx, sha256
from .metrics import classification_metrics, predict
from .paths import MODELS
from .run import Run

OUTPUTS = ["logits", "features"]


def add_run_arguments(ap, out, smoke_help: str = "one batch, into a temporary folder (CI)") -> None:
    """The flags every recipe takes, with the same names and meanings (`out`: the default --out)."""
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto", help="auto (cuda when present), cpu or cuda")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=None if out is None else str(out))
    ap.add_argument("--run-dir", default=None, help="checkpoint folder (default train/checkpoints/<name>)")
    ap.add_argument("--limit-per-class", type=int, default=0, help="train on the first N images of each class (tests)")
    ap.add_argument("--test-limit-per-class", type=int, default=0, help="measure on the first N test images of each class (tests)")
    ap.add_argument("--manifest", default=str(MODELS / "manifest.json"), help="the manifest the card goes into")
    ap.add_argument("--smoke", action="store_true", help=smoke_help)
    ap.add_argument("--max-epochs-now", type=int, default=0, help="stop after this many epochs in this invocation (0: run to the end); rerun to resume")


def open_run(name: str, args) -> Run:
    """The run folder: --run-dir, else a temporary folder with --smoke, else train/checkpoints/<name>."""
    folder = Path(tempfile.mkdtemp(prefix="deja-smoke-")) if args.smoke else None
    return Run(name, Path(args.run_dir) if args.run_dir else folder)


def epochs_now(run: Run, epochs: int, max_epochs_now: int = 0):
    """Yields the index of each epoch to train in this invocation (each must end with `run.end_epoch`).

    Stops at `epochs`, or after `max_epochs_now` epochs (then prints how to resume; the caller sees
    `run.epoch < epochs` and exports nothing).
    """
    start = run.epoch
    while run.epoch < epochs:
        if max_epochs_now and run.epoch - start >= max_epochs_now:
            print(f"stopped after epoch {run.epoch} of {epochs}; rerun the same command to resume", flush=True)
            return
        epoch = run.epoch
        yield epoch
        if run.epoch != epoch + 1:
            raise AssertionError(f"epoch {epoch} ended without run.end_epoch")


def export_path(name: str, args, default: Path) -> Path:
    """Where the ONNX file goes: a temporary folder with --smoke, else --out, else `default`."""
    return Path(tempfile.mkdtemp()) / f"{name}.onnx" if args.smoke else Path(args.out or default)


def export_checked(shipped: torch.nn.Module, x_test: torch.Tensor, y_test: torch.Tensor, out: Path, batch: int = 500) -> tuple:
    """Exports `shipped` (outputs logits, features), checks it through onnxruntime-node, measures it on the test set.

    Prints the `exported … ONNX check {…}` line the tests read; returns (metrics, check report, logits).
    """
    export_onnx(shipped, x_test[:2], out, OUTPUTS)
    report = check_onnx(shipped, out, x_test[:64], OUTPUTS)
    logits = predict(shipped, x_test, batch=batch)
    m = classification_metrics(logits, y_test)
    print(f"exported {out} ({out.stat().st_size} bytes): test accuracy {m['accuracy']:.4f}, ECE {m['ece']:.4f}, ONNX check {report}", flush=True)
    return m, report, logits


def classifier_card(name: str, out: Path, size: int, mean, std, classes: list, features: int, descriptions: tuple,
                    recipe: str, data: str, split: str, metrics: dict, notes: str) -> dict:
    """A classification card (models/README.md): NCHW `image` input, outputs `logits` [N, C] and `features` [N, D]."""
    return {
        "name": name,
        "task": "classification",
        "trained": True,
        "file": out.name,
        "input": {"name": "image", "shape": ["N", 3, size, size], "size": size, "channels": 3, "layout": "NCHW", "mean": list(mean), "std": list(std)},
        "outputs": [
            {"name": "logits", "shape": ["N", len(classes)], "description": descriptions[0]},
            {"name": "features", "shape": ["N", features], "description": descriptions[1]},
        ],
        "classes": list(classes),
        "sha256": sha256(out),
        "recipe": recipe,
        "data": data,
        "split": split,
        "metrics": metrics,
        "notes": notes,
    }


def export_gradient_and_write_cards(shipped, card: dict, out, x_test, y_test, args) -> None:
    """Exports the input-gradient graph beside the classifier (deja attack), checked against autograd and
    onnxruntime-node, links it from the card, and writes both cards (not in --smoke)."""
    from pathlib import Path

    from .export import write_card
    from .input_gradient import export_input_gradient

    grad_card, grad_report = export_input_gradient(shipped, card, out, x_test[:16], y_test[:16])
    card["gradient"] = grad_card["name"]
    print(f"input-gradient graph {out.with_name(grad_card['file'])} checked: {grad_report['autograd']['gradient']:.2g} from autograd, "
          f"{grad_report['onnx']['gradientMaxAbsDiffAwayFromKinks']:.2g} through onnxruntime-node", flush=True)
    if args.smoke:
        return
    write_card(card, Path(args.manifest))
    write_card(grad_card, Path(args.manifest))
