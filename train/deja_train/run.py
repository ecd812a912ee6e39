"""The resumable run: seeding, one checkpoint per epoch, the epoch log (CSV + PNG curves).

A run's folder is train/checkpoints/<name>/: `last.pt` (model, optimiser, extra state, the epoch log),
`log.csv` and `curves.png`. The checkpoint is written to a temporary file and renamed, so a kill -9 at
any moment leaves either the previous epoch's or this epoch's; the CSV is rewritten from the
checkpoint's own log, so a resumed run never repeats or loses a row. Data order and augmentation draw
from a generator seeded by (seed, epoch), so a resumed run sees exactly the batches an unbroken one would.
"""
import csv
import os
import random
import time
from pathlib import Path

import numpy as np
import torch

from .paths import CHECKPOINTS
from .plot import plot_curves


def pick_device(requested: str = "auto") -> torch.device:
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(requested)


def seed_everything(seed: int, threads: int = 2) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def epoch_rng(seed: int, epoch: int) -> np.random.Generator:
    """The generator of one epoch's order and augmentation: the same whether or not the run was resumed."""
    return np.random.default_rng([seed, epoch])


class Run:
    def __init__(self, name: str, folder: Path | None = None):
        self.name = name
        self.folder = folder or CHECKPOINTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log: list[dict] = []
        self.epoch = 0  # epochs completed
        self.extra: dict = {}
        self._t0 = time.time()

    @property
    def checkpoint(self) -> Path:
        return self.folder / "last.pt"

    def resume(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer | None) -> bool:
        """Loads the last checkpoint if there is one; True when the run resumed."""
        if not self.checkpoint.exists():
            return False
        state = torch.load(self.checkpoint, map_location="cpu")
        model.load_state_dict(state["model"])
        if optimizer is not None and state.get("optimizer") is not None:
            optimizer.load_state_dict(state["optimizer"])
        self.epoch = state["epoch"]
        self.log = state["log"]
        self.extra = state.get("extra", {})
        torch.set_rng_state(state["torch_rng"])
        return True

    def end_epoch(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer | None, row: dict) -> None:
        """Records one finished epoch: the log row (seconds added), the checkpoint, the CSV and the curves."""
        self.epoch += 1
        row = {"epoch": self.epoch, **row}
        self.log.append(row)
        state = {
            "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            "optimizer": optimizer.state_dict() if optimizer is not None else None,
            "epoch": self.epoch,
            "log": self.log,
            "extra": self.extra,
            "torch_rng": torch.get_rng_state(),
        }
        tmp = self.checkpoint.with_suffix(".tmp")
        torch.save(state, tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        tmp.replace(self.checkpoint)
        self.write_log()
        print(" ".join(f"{k}={_fmt(v)}" for k, v in row.items()), flush=True)

    def write_log(self) -> None:
        if not self.log:
            return
        keys = list(dict.fromkeys(k for r in self.log for k in r))
        tmp = self.folder / "log.csv.tmp"
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=keys)
            w.writeheader()
            w.writerows(self.log)
        tmp.replace(self.folder / "log.csv")
        plot_curves(self.log, self.folder / "curves.png", title=self.name)


def _fmt(v):
    return f"{v:.4g}" if isinstance(v, float) else str(v)
