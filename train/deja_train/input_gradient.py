"""The input-gradient graph: (loss, d loss / d image, logits) of an eval-mode classifier, as plain ONNX.

Adversarial attacks (FGSM, PGD, EOT; src/decoders/attack/) need the gradient of the cross-entropy
with respect to the input image. PyTorch 1.13's ONNX exporter traces the forward pass only, so the
backward pass is written out here as ordinary forward ops: for an eval-mode conv net the input
gradient is a chain of transposed linear maps and elementwise masks, applied in reverse order.

    conv                      → conv_transpose2d with the same weights (output_padding restores the size)
    batch norm (eval)         → scale by γ / √(σ² + ε)
    ReLU                      → mask by (pre-activation > 0)          (torch: relu'(0) = 0, the same)
    GELU (erf)                → multiply by Φ(x) + x φ(x)
    max pool (kernel=stride)  → one-hot of the window's first arg max (torch's tie rule), times g
    global average pool       → spread g / (H·W) evenly
    option-A shortcut         → channel slice, zero-upsample by the stride (a 1×1 grouped conv_transpose)
    linear                    → g · W
    flip, reflect-shift       → flip; the transposed 0/1 shift matrix (for the TTA views)
    softmax cross-entropy     → softmax(z)·Σt − t  for a target distribution t (one-hot: softmax − onehot)

The network's forward is replayed on a `Tape` that records, per op, the vector–Jacobian product that
sends the output's gradient to its inputs; `backward` walks the tape in reverse and sums the
gradients of values used twice (residual branches, TTA views). Inputs: `image` [N, 3, H, W]
(normalised as the classifier's card says) and `label` [N, C] float32 (a one-hot of the class whose
loss is differentiated, or any distribution; float keeps onnxruntime-node's float path). Outputs:
`loss` [N] (−Σ t log softmax z), `gradient` [N, 3, H, W] (d loss / d image, in the normalised input's
units: divide by the card's std for d loss / d pixel) and `logits` [N, C] (the classifier's, so one
run per attack step also scores the iterate).

Checked against torch.autograd on real CIFAR images (max abs difference ≤ 1e-4) and through
onnxruntime-node (scripts/checkOnnx.ts) before it ships as `<name>-grad.onnx` with its own card. The
exporter folds each eval-mode batch norm into the convolution before it in the forward ops, while the
transposed convolutions keep the raw weights, so the file holds the weights twice (about twice the
classifier's size); and where a forward pre-activation lies within rounding of a ReLU's kink the two
runtimes may take different, equally valid subgradients (see `check_through_onnxruntime`).

References: Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial Examples", ICLR 2015
(the gradient FGSM follows); Griewank & Walther, "Evaluating Derivatives", 2nd ed., SIAM 2008, ch. 3
(reverse mode as a tape of adjoints).
"""
import json
import math
import subprocess
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .export import MAX_BYTES, pin_output_shapes, sha256
from .paths import REPO

TOLERANCE = 1e-4


class Value:
    """A tensor on the tape, with the gradient accumulated into it during `Tape.backward`."""

    __slots__ = ("t", "grad")

    def __init__(self, t: torch.Tensor):
        self.t = t
        self.grad = None


class Tape:
    """Reverse-mode differentiation by hand: each op appends (output, [(input, vjp)])."""

    def __init__(self, record_margins: bool = False):
        self.steps = []
        #: Per op with a kink (ReLU, max pool), each image's distance to it (only when recording; not exported).
        self.margins = [] if record_margins else None

    def leaf(self, t: torch.Tensor) -> Value:
        return Value(t)

    def op(self, out: torch.Tensor, *links) -> Value:
        v = Value(out)
        self.steps.append((v, links))
        return v

    def backward(self, out: Value, g: torch.Tensor) -> None:
        out.grad = g
        for v, links in reversed(self.steps):
            if v.grad is None:
                continue
            for src, vjp in links:
                gi = vjp(v.grad)
                src.grad = gi if src.grad is None else src.grad + gi


# ---- ops: forward value and vector–Jacobian product -------------------------------------------------


def conv2d(tape: Tape, x: Value, conv: nn.Conv2d) -> Value:
    assert conv.groups == 1 and conv.dilation == (1, 1) and conv.padding_mode == "zeros", "plain convolutions only"
    y = F.conv2d(x.t, conv.weight, conv.bias, conv.stride, conv.padding)
    (h, w), (sh, sw), (ph, pw), (kh, kw) = x.t.shape[2:], conv.stride, conv.padding, conv.kernel_size
    ho, wo = y.shape[2:]
    # conv_transpose gives (out − 1)·s − 2p + k; output_padding adds the rows a strided conv skipped.
    op = (int(h) - ((int(ho) - 1) * sh - 2 * ph + kh), int(w) - ((int(wo) - 1) * sw - 2 * pw + kw))
    return tape.op(y, (x, lambda g: F.conv_transpose2d(g, conv.weight, None, conv.stride, conv.padding, op)))


def batch_norm(tape: Tape, x: Value, bn: nn.BatchNorm2d) -> Value:
    assert not bn.training and bn.track_running_stats, "batch norm in eval mode"
    scale = (bn.weight if bn.affine else torch.ones_like(bn.running_var)) / torch.sqrt(bn.running_var + bn.eps)
    y = F.batch_norm(x.t, bn.running_mean, bn.running_var, bn.weight, bn.bias, False, 0.0, bn.eps)
    s = scale.detach().view(1, -1, 1, 1)
    return tape.op(y, (x, lambda g: g * s))


def relu(tape: Tape, x: Value) -> Value:
    if tape.margins is not None:
        tape.margins.append(x.t.abs().flatten(1).min(1).values)
    mask = (x.t > 0).to(x.t.dtype)
    return tape.op(F.relu(x.t), (x, lambda g: g * mask))


def gelu(tape: Tape, x: Value, module: nn.GELU | None = None) -> Value:
    assert module is None or module.approximate == "none", "erf GELU only"
    z = x.t
    cdf = 0.5 * (1 + torch.erf(z / math.sqrt(2)))
    pdf = torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    d = cdf + z * pdf
    return tape.op(F.gelu(z), (x, lambda g: g * d))


def max_pool(tape: Tape, x: Value, k: int) -> Value:
    """Non-overlapping k×k max pool (stride k, floor); the gradient goes to each window's first arg max."""
    n, c, h, w = x.t.shape
    ho, wo = int(h) // k, int(w) // k
    win = x.t[:, :, : ho * k, : wo * k].reshape(-1, c, ho, k, wo, k).permute(0, 1, 2, 4, 3, 5).reshape(-1, c, ho, wo, k * k)
    if tape.margins is not None:
        top2 = win.topk(2, dim=4).values
        tape.margins.append((top2[..., 0] - top2[..., 1]).flatten(1).min(1).values)
    first = torch.argmax(win, dim=4, keepdim=True)  # the first maximum in row-major window order, as torch picks it
    onehot = (torch.arange(k * k).view(1, 1, 1, 1, -1) == first).to(x.t.dtype)
    y = F.max_pool2d(x.t, k)

    def vjp(g):
        spread = (onehot * g.unsqueeze(4)).reshape(-1, c, ho, wo, k, k).permute(0, 1, 2, 4, 3, 5).reshape(-1, c, ho * k, wo * k)
        return F.pad(spread, (0, int(w) - wo * k, 0, int(h) - ho * k))

    return tape.op(y, (x, vjp))


def global_mean(tape: Tape, x: Value) -> Value:
    """[N, C, H, W] → [N, C]: adaptive average pool to 1 and flatten."""
    h, w = x.t.shape[2:]
    return tape.op(x.t.mean((2, 3)), (x, lambda g: (g / (int(h) * int(w))).view(g.shape[0], -1, 1, 1).expand(-1, -1, int(h), int(w))))


def flatten_pool1(tape: Tape, x: Value) -> Value:
    """[N, C, 1, 1] → [N, C]."""
    return tape.op(x.t.flatten(1), (x, lambda g: g.view(g.shape[0], -1, 1, 1)))


def add(tape: Tape, a: Value, b: Value) -> Value:
    return tape.op(a.t + b.t, (a, lambda g: g), (b, lambda g: g))


def lincomb(tape: Tape, terms: list) -> Value:
    """Σ w_i x_i for constant weights: the TTA averages."""
    out = sum(w * v.t for w, v in terms)
    return tape.op(out, *[(v, (lambda w: lambda g: w * g)(w)) for w, v in terms])


def shortcut_a(tape: Tape, x: Value, stride: int, pad: int) -> Value:
    """He et al. 2016 option A: subsample by `stride` and zero-pad `pad` new channels (pad//2 in front)."""
    c, h, w = x.t.shape[1:]
    y = F.pad(x.t[:, :, ::stride, ::stride], (0, 0, 0, 0, pad // 2, pad - pad // 2))
    ho, wo = y.shape[2:]
    ones = torch.ones(int(c), 1, 1, 1, dtype=x.t.dtype)
    op = (int(h) - ((int(ho) - 1) * stride + 1), int(w) - ((int(wo) - 1) * stride + 1))
    return tape.op(y, (x, lambda g: F.conv_transpose2d(g[:, pad // 2 : pad // 2 + int(c)], ones, None, stride, 0, op, int(c))))


def linear(tape: Tape, x: Value, weight: torch.Tensor, bias: torch.Tensor | None = None, scale: float = 1.0) -> Value:
    y = F.linear(x.t, weight, bias) * scale
    return tape.op(y, (x, lambda g: (g * scale) @ weight))


def flip_w(tape: Tape, x: Value) -> Value:
    return tape.op(torch.flip(x.t, dims=[3]), (x, lambda g: torch.flip(g, dims=[3])))


def reflect_shift(tape: Tape, x: Value, dy: int, dx: int) -> Value:
    """`F.pad(x, (1, 1, 1, 1), mode='reflect')[:, :, 1+dy : 1+dy+H, 1+dx : 1+dx+W]` for dy, dx in {−1, 0, 1},
    as the 0/1 matrices S_h x S_wᵀ (row i of S takes source row reflect(i + d)); its adjoint is S_hᵀ g S_w."""
    h, w = (int(d) for d in x.t.shape[2:])

    def shift(n: int, d: int) -> torch.Tensor:
        s = torch.zeros(n, n, dtype=x.t.dtype)
        for i in range(n):
            j = i + d
            j = -j if j < 0 else 2 * (n - 1) - j if j > n - 1 else j
            s[i, j] = 1
        return s

    sh, sw = shift(h, dy), shift(w, dx)
    y = torch.matmul(torch.matmul(sh, x.t), sw.T)
    return tape.op(y, (x, lambda g: torch.matmul(torch.matmul(sh.T, g), sw)))


def cross_entropy(logits: torch.Tensor, target: torch.Tensor):
    """loss_i = −Σ_c t_ic log softmax(z_i)_c and its gradient softmax(z_i)·Σ_c t_ic − t_i."""
    logp = F.log_softmax(logits, 1)
    loss = -(target * logp).sum(1)
    return loss, torch.exp(logp) * target.sum(1, keepdim=True) - target


# ---- the networks, replayed on the tape --------------------------------------------------------------


def resnet_logits(tape: Tape, net, x: Value) -> Value:
    """deja_train.resnet_cifar.CifarResNet.forward, op for op."""
    a = relu(tape, batch_norm(tape, conv2d(tape, x, net.conv), net.bn))
    for block in net.blocks:
        y = relu(tape, batch_norm(tape, conv2d(tape, a, block.conv1), block.bn1))
        y = batch_norm(tape, conv2d(tape, y, block.conv2), block.bn2)
        s = a if block.stride == 1 and block.pad == 0 else shortcut_a(tape, a, block.stride, block.pad)
        a = relu(tape, add(tape, y, s))
    return linear(tape, global_mean(tape, a), net.fc.weight, net.fc.bias)


def airbench_features(tape: Tape, net, x: Value) -> Value:
    """deja_train.airbench.AirbenchNet.features, op for op."""
    a = gelu(tape, conv2d(tape, x, net.whiten), net.act)
    for group in (net.group1, net.group2, net.group3):
        assert group.pool.kernel_size == group.pool.stride == 2 and group.pool.padding == 0
        a = gelu(tape, batch_norm(tape, max_pool(tape, conv2d(tape, a, group.conv1), 2), group.norm1), group.act)
        a = gelu(tape, batch_norm(tape, conv2d(tape, a, group.conv2), group.norm2), group.act)
    return flatten_pool1(tape, max_pool(tape, a, net.pool.kernel_size))


def airbench_tta_logits(tape: Tape, tta, x: Value) -> Value:
    """deja_train.airbench.TestTimeAugmented.forward (levels 0–2): the mirror pair run as two views
    instead of one concatenated batch (the same values), features averaged, then the scaled head."""
    net = tta.net

    def mirror(v: Value) -> Value:
        if tta.level == 0:
            return airbench_features(tape, net, v)
        return lincomb(tape, [(0.5, airbench_features(tape, net, v)), (0.5, airbench_features(tape, net, flip_w(tape, v)))])

    f = mirror(x)
    if tta.level >= 2:
        up_left, down_right = mirror(reflect_shift(tape, x, -1, -1)), mirror(reflect_shift(tape, x, 1, 1))
        f = lincomb(tape, [(0.5, f), (0.25, up_left), (0.25, down_right)])
    return linear(tape, f, net.head.weight, None, net.scale)


class InputGradient(nn.Module):
    """(image [N,3,H,W], label [N,C]) → (loss [N], gradient [N,3,H,W], logits [N,C]) of a shipped classifier."""

    def __init__(self, shipped: nn.Module):
        super().__init__()
        from .airbench import TestTimeAugmented
        from .resnet_cifar import LogitsAndFeatures

        self.shipped = shipped.eval()
        if isinstance(shipped, LogitsAndFeatures):
            self.logits = lambda tape, x: resnet_logits(tape, shipped.net, x)
        elif isinstance(shipped, TestTimeAugmented):
            self.logits = lambda tape, x: airbench_tta_logits(tape, shipped, x)
        else:
            raise SystemExit(f"deja-train: no input-gradient graph for {type(shipped).__name__} (input_gradient.py knows ResNet and airbench)")

    def forward(self, image: torch.Tensor, label: torch.Tensor):
        tape = Tape()
        x = tape.leaf(image)
        z = self.logits(tape, x)
        loss, g = cross_entropy(z.t, label)
        tape.backward(z, g)
        return loss, x.grad, z.t


def autograd_reference(shipped: nn.Module, images: torch.Tensor, target: torch.Tensor):
    """What torch.autograd says: the loss per image and d Σloss / d image through the shipped module."""
    x = images.clone().requires_grad_(True)
    out = shipped.eval()(x)
    logits = out[0] if isinstance(out, tuple) else out
    loss = -(target * F.log_softmax(logits, 1)).sum(1)
    (g,) = torch.autograd.grad(loss.sum(), x)
    return loss.detach(), g, logits.detach()


def check_against_autograd(shipped: nn.Module, module: InputGradient, images: torch.Tensor, target: torch.Tensor) -> dict:
    """Max abs differences of loss, gradient and logits between the graph and autograd; raises over 1e-4."""
    with torch.no_grad():
        got = module(images, target)
    want = autograd_reference(shipped, images, target)
    diff = {name: (a - b).abs().max().item() for name, a, b in zip(("loss", "gradient", "logits"), got, want)}
    diff["gradientMaxAbs"] = want[1].abs().max().item()
    if max(diff["loss"], diff["gradient"], diff["logits"]) > TOLERANCE:
        raise SystemExit(f"deja-train: the input-gradient graph differs from torch.autograd by more than {TOLERANCE}: {diff}")
    return diff


@torch.no_grad()
def kink_margins(module: InputGradient, images: torch.Tensor) -> torch.Tensor:
    """Per image, how close the forward pass comes to a kink: the smallest |pre-activation| of any ReLU and
    the smallest gap between the two largest values of any max-pool window."""
    tape = Tape(record_margins=True)
    module.logits(tape, tape.leaf(images))
    return torch.stack(tape.margins).min(0).values if tape.margins else torch.full((len(images),), float("inf"))


#: Within this of a kink, PyTorch's and onnxruntime's rounding (fused conv + batch norm) may fall on
#: either side of it: both gradients are then valid subgradients, and may differ.
KINK = 1e-5


def check_through_onnxruntime(module: InputGradient, onnx_file: Path, images: torch.Tensor, target: torch.Tensor) -> dict:
    """Runs the file through onnxruntime-node (scripts/checkOnnx.ts) on both inputs; raises over 1e-4.

    Loss and logits must agree to 1e-4 on every image; the gradient on every image whose forward pass
    stays KINK away from the kinks of ReLU and max pool. An image closer than that may flip a mask (the
    two runtimes then take different, equally valid subgradients): it is reported, and may not be more
    than a quarter of the images."""
    module.eval()  # torch.onnx.export leaves the modules in the mode they had, so set it again
    with torch.no_grad():
        want = module(images, target)
    names = ["loss", "gradient", "logits"]
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        images.numpy().astype("<f4").tofile(d / "image.f32")
        target.numpy().astype("<f4").tofile(d / "label.f32")
        for name, t in zip(names, want):
            t.numpy().astype("<f4").tofile(d / f"{name}.f32")
        (d / "check.json").write_text(json.dumps({"inputs": {"image": list(images.shape), "label": list(target.shape)}, "outputs": names, "rows": True}))
        r = subprocess.run(["node", "--import", "tsx", "scripts/checkOnnx.ts", str(onnx_file), str(d)], cwd=REPO, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"deja-train: the ONNX check of {onnx_file.name} failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
    report = json.loads(r.stdout.strip().splitlines()[-1])
    margins = kink_margins(module, images)
    rows = report.pop("rowMaxAbsDiff")
    near = [i for i, d in enumerate(rows["gradient"]) if d > TOLERANCE and margins[i] < KINK]
    far = [i for i, d in enumerate(rows["gradient"]) if d > TOLERANCE and margins[i] >= KINK]
    worst = max([report["maxAbsDiff"]["loss"], report["maxAbsDiff"]["logits"]] + [rows["gradient"][i] for i in range(len(images)) if i not in near] + list(report["batchOneDiff"].values()))
    report["gradientMaxAbsDiffAwayFromKinks"] = max([rows["gradient"][i] for i in range(len(images)) if i not in near], default=0.0)
    report["imagesNearKinks"] = len(near)
    if worst > TOLERANCE or far or len(near) > len(images) // 4:
        raise SystemExit(f"deja-train: {onnx_file.name} differs from PyTorch by {worst:.3g} (> {TOLERANCE}; {len(near)} of {len(images)} images near a kink): {report}")
    return report


def export_input_gradient(shipped: nn.Module, classifier_card: dict, classifier_file: Path, images: torch.Tensor, labels: torch.Tensor) -> tuple:
    """Builds, checks (autograd, then onnxruntime-node) and exports `<name>-grad.onnx` beside the classifier.

    `images` are normalised test images, `labels` their int64 classes. Returns (the gradient card, the
    check report); the caller links the classifier card to it (`"gradient": card["name"]`) and writes both
    cards. Raises SystemExit when either check differs by more than 1e-4.
    """
    shipped = shipped.eval().cpu()
    classes = len(classifier_card["classes"])
    target = F.one_hot(labels.cpu(), classes).float()
    images = images.cpu().float()
    module = InputGradient(shipped).eval()
    autograd = check_against_autograd(shipped, module, images, target)
    name = f"{classifier_card['name']}-grad"
    out = classifier_file.with_name(f"{name}.onnx")
    tmp = out.with_suffix(".tmp.onnx")
    with torch.no_grad():
        torch.onnx.export(
            module, (images[:2], target[:2]), str(tmp),
            input_names=["image", "label"], output_names=["loss", "gradient", "logits"],
            dynamic_axes={k: {0: "N"} for k in ("image", "label", "loss", "gradient", "logits")},
            opset_version=13, do_constant_folding=True,
        )
    pin_output_shapes(tmp, {"gradient": list(images.shape[1:]), "logits": [target.shape[1]]})
    if tmp.stat().st_size > MAX_BYTES:
        size = tmp.stat().st_size
        tmp.unlink()
        raise SystemExit(f"deja-train: {out.name} would be {size} bytes, over the 20 MiB limit of models/")
    tmp.replace(out)
    onnx = check_through_onnxruntime(module, out, images, target)
    shape = classifier_card["input"]["shape"]
    card = {
        "name": name,
        "task": "input-gradient",
        "trained": classifier_card["trained"],
        "file": out.name,
        "input": classifier_card["input"],
        "extraInputs": [{"name": "label", "shape": ["N", classes], "description": "target distribution over the classes (a one-hot of the class whose loss is differentiated), float32"}],
        "outputs": [
            {"name": "loss", "shape": ["N"], "description": "cross-entropy −Σ label·log softmax(logits), per image"},
            {"name": "gradient", "shape": list(shape), "description": "d loss / d image, in the normalised input's units (divide by std for d loss / d pixel)"},
            {"name": "logits", "shape": ["N", classes], "description": f"the logits of {classifier_card['name']}"},
        ],
        "classes": classifier_card["classes"],
        "gradientOf": {"model": classifier_card["name"], "sha256": sha256(classifier_file)},
        "sha256": sha256(out),
        "recipe": classifier_card["recipe"],
        "data": classifier_card.get("data", ""),
        "metrics": {"autogradMaxAbsDiff": float(f"{autograd['gradient']:.3g}"), "onnxMaxAbsDiff": float(f"{onnx['gradientMaxAbsDiffAwayFromKinks']:.3g}")},
        "notes": f"The input gradient of {classifier_card['name']} (train/deja_train/input_gradient.py): the backward pass written as forward ops, "
                 f"checked against torch.autograd on {len(images)} real test images (max abs difference {autograd['gradient']:.2g}, gradients up to "
                 f"{autograd['gradientMaxAbs']:.2g}) and through onnxruntime-node (max {onnx['gradientMaxAbsDiffAwayFromKinks']:.2g} on the images that stay {KINK:g} away from "
                 f"a ReLU or max-pool kink; {onnx['imagesNearKinks']} of {len(images)} came closer, where the runtimes may take different subgradients). For adversarial attacks (deja attack).",
    }
    return card, {"autograd": autograd, "onnx": onnx}
