"""Labelled image sets read straight from the shared tars, decoded once and cached as uint8 arrays.

Members are `<split>/<class>/<file>.jpg`. Decoding is PIL (libjpeg-turbo, like sharp's libvips);
images that are not `size`×`size` are resized on the shorter side (Lanczos-3, as sharp does when Deja
decodes a photo for a model: within 0.3/255 on average, where PIL's bilinear differs by 4/255) and
centre-cropped, the same preprocessing Deja's model path applies (src/nn: resize shorter side, centre crop). A recipe that
splits one tar itself (intel-scenes) lists its members with `tar_members` and decodes the ones it
needs with `read_labelled_tar(..., members=...)`.
"""
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
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
    names: list = field(default_factory=list)  # the tar member of each image, in the same order


def class_of(name: str) -> str | None:
    """The class folder of a labelled photo member (`<split>/<class>/<file>.jpg`), else None."""
    parts = name.split("/")
    if len(parts) < 3 or not name.lower().endswith((".jpg", ".jpeg", ".png")):
        return None
    return parts[-2]


def _require(tar_path: Path) -> None:
    if not tar_path.exists():
        raise DataMissing(tar_path, "run from a checkout with ../shared/data beside it (or set DEJA_SHARED_DATA)")


def tar_members(tar_path: Path) -> list:
    """The labelled photo members of a tar(.gz), in tar order (cached: listing a .tar.gz reads all of it)."""
    _require(tar_path)
    st = tar_path.stat()
    key = hashlib.sha256(f"{tar_path.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:16]
    cache = CACHE / f"{tar_path.parent.name}-{tar_path.name.split('.')[0]}-members-{key}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    with tarfile.open(tar_path) as tar:
        names = [m.name for m in tar if m.isfile() and class_of(m.name) is not None]
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(names))
    tmp.replace(cache)
    return names


def _fit(img: Image.Image, size: int) -> Image.Image:
    img = img.convert("RGB")
    w, h = img.size
    if (w, h) == (size, size):
        return img
    s = size / min(w, h)
    nw, nh = max(size, round(w * s)), max(size, round(h * s))
    img = img.resize((nw, nh), Image.LANCZOS)  # sharp's lanczos3, as Deja decodes for a model (src/io/decode.ts)
    left, top = (nw - size) // 2, (nh - size) // 2
    return img.crop((left, top, left + size, top + size))


def read_labelled_tar(tar_path: Path, size: int, limit_per_class: int = 0, members=None) -> LabelledImages:
    """Decodes every `<split>/<class>/<file>` member of a tar(.gz), in tar order (the tars are sorted).

    `limit_per_class`: only the first N of each class; `members`: only these member names (the limit
    then counts among them). Classes are the sorted class folders of the images read.
    """
    _require(tar_path)
    wanted = None if members is None else set(members)
    spec = f"{tar_path.resolve()}:{tar_path.stat().st_size}:{size}:{limit_per_class}"
    if wanted is not None:
        spec += ":" + hashlib.sha256("\n".join(sorted(wanted)).encode()).hexdigest()
    key = hashlib.sha256(spec.encode()).hexdigest()[:16]
    cache = CACHE / f"{tar_path.parent.name}-{tar_path.name.split('.')[0]}-{size}-{key}.npz"
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        if "names" in z.files:  # caches written before member names were kept are rebuilt
            return LabelledImages(z["images"], z["labels"], list(z["classes"]), str(tar_path), list(z["names"]))
    images, classes_of, names, per_class = [], [], [], {}
    with tarfile.open(tar_path) as tar:
        for m in tar:
            cls = class_of(m.name) if m.isfile() else None
            if cls is None or (wanted is not None and m.name not in wanted):
                continue
            if limit_per_class and per_class.get(cls, 0) >= limit_per_class:
                continue
            per_class[cls] = per_class.get(cls, 0) + 1
            data = tar.extractfile(m).read()
            images.append(np.asarray(_fit(Image.open(io.BytesIO(data)), size), dtype=np.uint8))
            classes_of.append(cls)
            names.append(m.name)
    classes = sorted(set(classes_of))
    labels = np.array([classes.index(c) for c in classes_of], dtype=np.int64)
    out = LabelledImages(np.stack(images), labels, classes, str(tar_path), names)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, images=out.images, labels=out.labels, classes=np.array(classes), names=np.array(names))
    tmp.replace(cache)
    return out


def cifar10(split: str, limit_per_class: int = 0) -> LabelledImages:
    """CIFAR-10 train (50,000) or test (10,000), 32×32."""
    return read_labelled_tar(SHARED_DATA / "cifar10" / f"{split}.tar.gz", 32, limit_per_class)


CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
# What the cards say about the data: the shared set's quantisation tables are the IJG tables at
# quality 75 (luminance DC 8 = 16/2) with 4:2:0 chroma, read with PIL's `Image.quantization`.
CIFAR10_JPEG_NOTE = ("The shared CIFAR-10 is JPEG (IJG quality 75, 4:2:0 chroma, ~880 bytes an image), not the lossless "
                     "original that the papers' figures were measured on, so train and test images both carry its artefacts.")
CIFAR10_STD = (0.2470, 0.2435, 0.2616)
