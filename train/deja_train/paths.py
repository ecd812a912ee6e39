"""Where things live: the repository, the shared data beside it, checkpoints and the data cache."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: ../shared/data beside the repository (DEJA_SHARED_DATA overrides, e.g. on a GPU machine).
SHARED_DATA = Path(os.environ.get("DEJA_SHARED_DATA", REPO.parent / "shared" / "data"))
MODELS = REPO / "models"
#: Small per-recipe checkpoints, committed so a later session resumes the run.
CHECKPOINTS = REPO / "train" / "checkpoints"
#: Decoded datasets as .npy (never committed; rebuilt from the tars in seconds).
CACHE = Path(os.environ.get("DEJA_TRAIN_CACHE", Path.home() / ".cache" / "deja-train"))


class DataMissing(SystemExit):
    """A one-line error for a missing data set (SystemExit: no stack trace)."""

    def __init__(self, what: Path, hint: str):
        super().__init__(f"deja-train: {what} is missing; {hint}")
