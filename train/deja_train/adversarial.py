"""Adversarial training (Madry et al. 2018, "Towards Deep Learning Models Resistant to Adversarial Attacks").

Each training batch is replaced by its L∞ PGD examples: a uniform random start in the ε-ball (§4: the
random start is what keeps the inner maximisation from collapsing onto the clean point), `steps`
signed-gradient ascent steps of `step_size` on the training loss, each projected back onto the ball
and onto the valid pixel range [0, 1]. The network then trains on those examples only (the paper's
objective, Eq. 2.1). Madry's CIFAR-10 setting: ε = 8/255, 7 steps of 2/255.

Radii are in pixel units of [0, 1], like `deja attack --eps`; the recipes feed networks images
normalised by the card's mean/std, so the ball and the clamp are taken in pixel space and mapped back.
The attack runs with the network in eval mode (batch norm on its running statistics, which the attack
then leaves alone); the examples are trained on in train mode as usual.
"""
import argparse
from dataclasses import dataclass
from fractions import Fraction

import torch


@dataclass(frozen=True)
class PgdTraining:
    eps: float
    steps: int
    step_size: float

    def describe(self) -> str:
        return f"Madry PGD adversarial training, eps {_fraction(self.eps)}, {self.steps} steps of {_fraction(self.step_size)}"


def parse_radius(text: str) -> float:
    """'8/255', '0.031' → a float in [0, 1]; argparse type."""
    try:
        value = float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number or a fraction such as 8/255")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is outside [0, 1] (pixel units; 8/255 ≈ 0.031)")
    return value


def add_adversarial_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--adversarial-eps", type=parse_radius, default=0.0,
                    help="train on L∞ PGD examples of this radius (Madry et al.; pixel units, e.g. 8/255); 0: clean training")
    ap.add_argument("--adversarial-steps", type=int, default=7, help="PGD steps per training batch (Madry's CIFAR-10: 7)")
    ap.add_argument("--adversarial-step-size", type=parse_radius, default=None, help="PGD step size (default 2.5 ε / steps; Madry: 2/255)")


def adversarial_from_args(args) -> PgdTraining | None:
    if not args.adversarial_eps:
        return None
    if args.adversarial_steps < 1:
        raise SystemExit(f"deja-train: --adversarial-steps {args.adversarial_steps} must be at least 1")
    step = args.adversarial_step_size or 2.5 * args.adversarial_eps / args.adversarial_steps
    return PgdTraining(args.adversarial_eps, args.adversarial_steps, step)


def adversarial_name(name: str, pgd: PgdTraining | None) -> str:
    """The model (and run folder) name of an adversarially trained variant: `<name>-madry`."""
    return name if pgd is None else f"{name}-madry"


def pgd_examples(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, pgd: PgdTraining, mean, std, loss_fn=None) -> torch.Tensor:
    """L∞ PGD examples of the normalised batch `x` (NCHW), returned normalised, detached."""
    loss_fn = loss_fn or torch.nn.functional.cross_entropy
    m = torch.tensor(mean, device=x.device, dtype=x.dtype).view(1, -1, 1, 1)
    s = torch.tensor(std, device=x.device, dtype=x.dtype).view(1, -1, 1, 1)
    clean = (x * s + m).detach()
    was_training = net.training
    net.eval()
    adv = (clean + torch.empty_like(clean).uniform_(-pgd.eps, pgd.eps)).clamp_(0, 1)
    for _ in range(pgd.steps):
        adv.requires_grad_(True)
        out = net(((adv - m) / s).contiguous(memory_format=torch.channels_last))
        loss = loss_fn((out[0] if isinstance(out, tuple) else out).float(), y)
        if loss.dim():
            loss = loss.sum()
        (grad,) = torch.autograd.grad(loss, adv)
        with torch.no_grad():
            adv = adv + pgd.step_size * grad.sign()
            adv = torch.min(torch.max(adv, clean - pgd.eps), clean + pgd.eps).clamp_(0, 1)
    net.train(was_training)
    return ((adv.detach() - m) / s).contiguous(memory_format=torch.channels_last)


def _fraction(v: float) -> str:
    n = v * 255
    return f"{round(n)}/255" if abs(n - round(n)) < 1e-6 else f"{v:.4g}"


def pgd_accuracy(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int, mean, std, batch: int = 250) -> float:
    """Accuracy under an L∞ PGD attack (random start, `steps` steps of 2.5 ε / steps) on the normalised `x`."""
    pgd = PgdTraining(eps, steps, 2.5 * eps / steps)
    net.eval()
    correct = 0
    for i in range(0, len(x), batch):
        xb, yb = x[i : i + batch], y[i : i + batch]
        adv = pgd_examples(net, xb, yb, pgd, mean, std)
        with torch.no_grad():
            out = net(adv)
        correct += ((out[0] if isinstance(out, tuple) else out).argmax(1) == yb).sum().item()
    return correct / max(1, len(x))


def adversarial_flags(pgd: PgdTraining | None) -> str:
    """The recipe flags that reproduce `pgd` (for the card's command); empty for clean training."""
    if pgd is None:
        return ""
    return f" --adversarial-eps {_fraction(pgd.eps)} --adversarial-steps {pgd.steps} --adversarial-step-size {_fraction(pgd.step_size)}"


def robustness_metrics(net: torch.nn.Module, x_test: torch.Tensor, y_test: torch.Tensor, pgd: PgdTraining | None, mean, std, n: int = 1000) -> dict:
    """The card's robustness figures of an adversarially trained model: accuracy under PGD-10 at its
    training radius on `n` test images spread evenly over the split (none for a clean model: `deja eval
    attack` measures it). Evenly, not the first n: the test tar is sorted by class, so its first 1,000
    images are all one class."""
    if pgd is None:
        return {}
    idx = evenly_spaced(len(x_test), n)
    return {"pgd10Accuracy": round(pgd_accuracy(net, x_test[idx], y_test[idx], pgd.eps, 10, mean, std), 4), "pgdEps": round(pgd.eps, 6), "pgdImages": len(idx)}


def evenly_spaced(total: int, n: int) -> torch.Tensor:
    """min(n, total) indices spread evenly over range(total)."""
    n = min(n, total)
    return torch.div(torch.arange(n) * total, max(1, n), rounding_mode="floor")
