"""Labelled image sets read straight from the shared tars, decoded once and cached as uint8 arrays.

Members are `<split>/<class>/<file>.jpg`. Decoding is PIL (libjpeg-turbo, like sharp's libvips);
images that are not `size`×`size` are resized on the shorter side and centre-cropped, the same
preprocessing Deja's model path applies (src/nn: resize shorter side, centre crop).
"""
import hashlib
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .paths import CACHE, SHARED_DATA, DataMissing


@dataclass
class LabelledImages:
    images: np.ndarray  # uint8 [N, H, W, 3]
    labels: np.ndarray  # int64 [N]
    classes: list
    source: str


def _fit(img: Image.Image, size: int) -> Image.Image:
    img = img.convert("RGB")
    w, h = img.size
    if (w, h) == (size, size):
        return img
    s = size / min(w, h)
    nw, nh = max(size, round(w * s)), max(size, round(h * s))
    img = img.resize((nw, nh), Image.BILINEAR)
    left, top = (nw - size) // 2, (nh - size) // 2
    return img.crop((left, top, left + size, top + size))


def read_labelled_tar(tar_path: Path, size: int, limit_per_class: int = 0) -> LabelledImages:
    """Decodes every `<split>/<class>/<file>` member of a tar(.gz), sorted by name (the tars are sorted)."""
    if not tar_path.exists():
        raise DataMissing(tar_path, "run from a checkout with ../shared/data beside it (or set DEJA_SHARED_DATA)")
    key = hashlib.sha256(f"{tar_path.resolve()}:{tar_path.stat().st_size}:{size}:{limit_per_class}".encode()).hexdigest()[:16]
    cache = CACHE / f"{tar_path.parent.name}-{tar_path.name.split('.')[0]}-{size}-{key}.npz"
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        return LabelledImages(z["images"], z["labels"], list(z["classes"]), str(tar_path))
    images, names, per_class = [], [], {}
    with tarfile.open(tar_path) as tar:
        for m in tar:
            if not m.isfile() or not m.name.lower().endswith((".jpg", ".jpeg", ".png")):
                continue
            parts = m.name.split("/")
            if len(parts) < 3:
                continue
            cls = parts[-2]
            if limit_per_class and per_class.get(cls, 0) >= limit_per_class:
                continue
            per_class[cls] = per_class.get(cls, 0) + 1
            data = tar.extractfile(m).read()
            images.append(np.asarray(_fit(Image.open(io.BytesIO(data)), size), dtype=np.uint8))
            names.append(cls)
    classes = sorted(set(names))
    labels = np.array([classes.index(c) for c in names], dtype=np.int64)
    out = LabelledImages(np.stack(images), labels, classes, str(tar_path))
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, images=out.images, labels=out.labels, classes=np.array(classes))
    tmp.replace(cache)
    return out


def cifar10(split: str, limit_per_class: int = 0) -> LabelledImages:
    """CIFAR-10 train (50,000) or test (10,000), 32×32."""
    return read_labelled_tar(SHARED_DATA / "cifar10" / f"{split}.tar.gz", 32, limit_per_class)


CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)
