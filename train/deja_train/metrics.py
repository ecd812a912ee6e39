"""Held-out metrics the cards report: accuracy, per-class accuracy and ECE (Guo et al. 2017, 15 bins)."""
import numpy as np
import torch


def classification_metrics(logits: torch.Tensor, labels: torch.Tensor, bins: int = 15) -> dict:
    probs = torch.softmax(logits.double(), 1)
    conf, pred = probs.max(1)
    correct = (pred == labels).double()
    ece = 0.0
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            ece += inside.double().mean().item() * abs(conf[inside].mean().item() - correct[inside].mean().item())
    return {"accuracy": correct.mean().item(), "ece": ece}


@torch.no_grad()
def predict(module, images: torch.Tensor, batch: int = 1000, device=None, first_output: bool = True) -> torch.Tensor:
    """Logits of `module` over `images` (float NCHW, normalised), in batches, in eval mode."""
    module.eval()
    outs = []
    for i in range(0, len(images), batch):
        x = images[i : i + batch]
        if device is not None:
            x = x.to(device, non_blocking=True)
        y = module(x)
        outs.append((y[0] if isinstance(y, tuple) else y).float().cpu())
    return torch.cat(outs)
