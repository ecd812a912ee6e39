"""Training-time augmentation shared by the recipes, every draw from the epoch's seeded generator.

CIFAR: random translations of a padded batch (the padded image cropped back at a random offset).
intel-scenes: random-resized crops (Szegedy et al. 2015, "Going deeper with convolutions", §6: crops
of a random share of the area and aspect ratio, resized back) and horizontal flips, drawn once per
epoch for every image and applied per batch as one bilinear resampling (`affine_grid` + `grid_sample`).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def random_translations(padded: torch.Tensor, rng: np.random.Generator, pad: int) -> torch.Tensor:
    """`padded` ([N, C, H + 2·pad, W + 2·pad]) cropped back to H×W at offsets drawn from `rng` (x, then y)."""
    n, c, hp, wp = padded.shape
    h, w = hp - 2 * pad, wp - 2 * pad
    out = torch.empty((n, c, h, w), dtype=padded.dtype, device=padded.device)
    dx, dy = rng.integers(0, 2 * pad + 1, n), rng.integers(0, 2 * pad + 1, n)
    for x in range(2 * pad + 1):
        for y in range(2 * pad + 1):
            idx = torch.from_numpy(np.nonzero((dx == x) & (dy == y))[0]).to(padded.device)
            out[idx] = padded[idx, :, y : y + h, x : x + w]
    return out


def crop_boxes(rng: np.random.Generator, n: int, scale=(0.3, 1.0), ratio=(3 / 4, 4 / 3), flip: float = 0.5) -> np.ndarray:
    """One random-resized crop per image as affine rows [sx, tx, sy, ty] (float32 [n, 4], normalised coordinates).

    Area share uniform in `scale`, aspect ratio log-uniform in `ratio` (torchvision's RandomResizedCrop;
    a side that would leave the image is clipped to it rather than redrawn), centre uniform where the
    crop fits, and sx negated (a mirror) with probability `flip`.
    """
    area = rng.uniform(scale[0], scale[1], n)
    aspect = np.exp(rng.uniform(math.log(ratio[0]), math.log(ratio[1]), n))
    sx, sy = np.minimum(1.0, np.sqrt(area * aspect)), np.minimum(1.0, np.sqrt(area / aspect))
    tx, ty = rng.uniform(-1, 1, n) * (1 - sx), rng.uniform(-1, 1, n) * (1 - sy)
    sx = np.where(rng.random(n) < flip, -sx, sx)
    return np.stack([sx, tx, sy, ty], 1).astype(np.float32)


def resized_crops(images: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """The crops `boxes` ([n, 4] from `crop_boxes`) of `images` (float [n, C, H, W]), resampled bilinearly to H×W."""
    n = images.shape[0]
    theta = torch.zeros((n, 2, 3), dtype=images.dtype, device=images.device)
    theta[:, 0, 0], theta[:, 0, 2], theta[:, 1, 1], theta[:, 1, 2] = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
