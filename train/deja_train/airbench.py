"""The fast CIFAR-10 network, after Keller Jordan's airbench94 (2024: 94.0 % in 3.8 s on one A100).

What makes it fast (airbench94, §3 of its write-up): a frozen first layer that whitens 2×2 patches
(eigenvectors of the training patches' covariance, ± so no information is lost to the GELU), three
conv groups of widths 64/256/256 with max-pooling, batch norm with frozen scale, a head scaled by
1/9, label smoothing 0.2, Nesterov SGD with decoupled weight decay, a warm-up/warm-down schedule,
Lookahead-style weight averaging, and alternating flips. Test-time augmentation (flip, and flip plus
1-pixel translations) is part of the exported graph.
"""
import torch
import torch.nn.functional as F
from torch import nn


def lr_factor(step: int, total: int, warm_share: float = 0.23) -> float:
    """airbench's schedule: 0.2 → 1 over the first 23 % of steps, then 1 → 0.07 linearly."""
    warm = int(total * warm_share)
    if step < warm:
        f = step / warm
        return 0.2 * (1 - f) + 1.0 * f
    f = (step - warm) / max(1, total - warm)
    return 1.0 * (1 - f) + 0.07 * f


class FrozenScaleBatchNorm(nn.BatchNorm2d):
    """Batch norm whose scale is fixed at 1 and whose bias learns (airbench: momentum 0.6, eps 1e-12)."""

    def __init__(self, channels: int, momentum: float = 0.6, eps: float = 1e-12):
        super().__init__(channels, eps=eps, momentum=1 - momentum)
        self.weight.requires_grad = False


class ConvGroup(nn.Module):
    def __init__(self, cin: int, cout: int, bn_momentum: float):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.pool = nn.MaxPool2d(2)
        self.norm1 = FrozenScaleBatchNorm(cout, bn_momentum)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.norm2 = FrozenScaleBatchNorm(cout, bn_momentum)
        self.act = nn.GELU()

    def forward(self, x):
        x = self.act(self.norm1(self.pool(self.conv1(x))))
        return self.act(self.norm2(self.conv2(x)))


class AirbenchNet(nn.Module):
    """Whitening layer, conv groups (each halving the size), a max pool and a scaled linear head.

    The CIFAR defaults are airbench94's: 2×2 whitening at stride 1, three groups 64/256/256, a 3×3 max
    pool over the last 3×3 map. Larger inputs (intel-scenes at 112 px) whiten non-overlapping 2×2
    patches (`whiten_stride=2`, still lossless: 12 eigenvectors, ± each), add groups (one per width)
    and pool globally (`pool=0`). Group i is the attribute `group<i>`, so a CIFAR checkpoint keeps its keys.
    """

    def __init__(self, widths=(64, 256, 256), bn_momentum: float = 0.6, scale: float = 1 / 9, classes: int = 10, whiten_stride: int = 1, pool: int = 3):
        super().__init__()
        self.whiten = nn.Conv2d(3, 24, 2, stride=whiten_stride, padding=0, bias=True)
        self.whiten_stride = whiten_stride
        self.act = nn.GELU()
        self.group_names = [f"group{i + 1}" for i in range(len(widths))]
        for name, cin, cout in zip(self.group_names, (24,) + tuple(widths[:-1]), widths):
            setattr(self, name, ConvGroup(cin, cout, bn_momentum))
        self.pool = nn.MaxPool2d(pool) if pool else nn.AdaptiveMaxPool2d(1)
        self.head = nn.Linear(widths[-1], classes, bias=False)
        self.scale = scale
        for m in self.modules():
            if isinstance(m, nn.Conv2d) and m is not self.whiten:
                # Identity-like start on the first input channels (airbench's dirac init).
                w = m.weight.data
                nn.init.dirac_(w[: w.size(1)])

    def features(self, x):
        x = self.act(self.whiten(x))
        for name in self.group_names:
            x = getattr(self, name)(x)
        return self.pool(x).flatten(1)

    def forward(self, x):
        return self.head(self.features(x)) * self.scale

    @torch.no_grad()
    def init_whitening(self, images: torch.Tensor, eps: float = 5e-4) -> None:
        """Sets the first layer to whiten the 2×2 patches (at its stride) of `images` (normalised, NCHW), ± each eigenvector."""
        c, h, w = images.shape[1:]
        s = self.whiten_stride
        patches = images.unfold(2, 2, s).unfold(3, 2, s).transpose(1, 3).reshape(-1, c, 2, 2).float()
        flat = patches.reshape(len(patches), -1)
        flat = flat - flat.mean(0, keepdim=True)
        cov = flat.T @ flat / len(flat)
        eigenvalues, eigenvectors = torch.linalg.eigh(cov)
        eigenvalues, eigenvectors = eigenvalues.flip(0), eigenvectors.T.flip(0)
        filters = eigenvectors.reshape(-1, c, 2, 2) / torch.sqrt(eigenvalues + eps).view(-1, 1, 1, 1)
        self.whiten.weight.data[:] = torch.cat([filters, -filters])
        self.whiten.weight.requires_grad = False


class TestTimeAugmented(nn.Module):
    """What ships: logits and penultimate features averaged over test-time views (airbench TTA levels).

    level 0: the image; 1: the image and its mirror; 2: level 1 at the image and at two 1-pixel
    reflect-padded translations (weights ½, ¼, ¼).
    """

    def __init__(self, net: AirbenchNet, level: int = 2):
        super().__init__()
        self.net, self.level = net, level

    def _mirror(self, x):
        if self.level == 0:
            f = self.net.features(x)
            return f
        both = torch.cat([x, torch.flip(x, dims=[3])])
        f = self.net.features(both)
        n = x.shape[0]
        return 0.5 * (f[:n] + f[n:])

    def forward(self, x):
        f = self._mirror(x)
        if self.level >= 2:
            p = F.pad(x, (1, 1, 1, 1), mode="reflect")
            h, w = x.shape[2], x.shape[3]
            shifted = 0.5 * (self._mirror(p[:, :, 0:h, 0:w]) + self._mirror(p[:, :, 2 : h + 2, 2 : w + 2]))
            f = 0.5 * f + 0.5 * shifted
        # The head is linear, so averaging features then applying it equals averaging the logits.
        return self.net.head(f) * self.net.scale, f


class Lookahead:
    """Weight averaging every few steps (airbench's LookaheadState): ema ← lerp(ema, net, 1 − decay); net ← ema."""

    def __init__(self, net: nn.Module):
        self.ema = {k: v.clone() for k, v in net.state_dict().items()}

    @torch.no_grad()
    def update(self, net: nn.Module, decay: float) -> None:
        for (k, e), v in zip(self.ema.items(), net.state_dict().values()):
            if v.dtype.is_floating_point:
                e.lerp_(v, 1 - decay)
                v.copy_(e)
