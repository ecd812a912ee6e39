"""Export to ONNX, check it through Deja's own runtime, and write the model card.

The graph takes `image` (float32 NCHW, batch dimension `N`, normalised by the card's mean/std) and
returns the outputs named by the recipe (classifiers: `logits` and `features`). The check runs the
exported file through onnxruntime-node (scripts/checkOnnx.ts, the path Deja itself uses) on real
images and fails the export if any output differs from PyTorch by more than 1e-4, at the batch and
at batch 1.
"""
import hashlib
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

from .paths import MODELS, REPO

TOLERANCE = 1e-4
MAX_BYTES = 20 * 1024 * 1024


def normalise(images_uint8: np.ndarray, mean, std) -> torch.Tensor:
    """uint8 NHWC → float32 NCHW, (x/255 − mean)/std."""
    x = torch.from_numpy(images_uint8).permute(0, 3, 1, 2).float().div_(255)
    m = torch.tensor(mean).view(1, -1, 1, 1)
    s = torch.tensor(std).view(1, -1, 1, 1)
    return ((x - m) / s).contiguous()


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(module: torch.nn.Module, example: torch.Tensor, out: Path, outputs: list) -> None:
    module = module.eval().cpu()
    tmp = out.with_suffix(".tmp.onnx")
    with torch.no_grad():
        torch.onnx.export(
            module,
            example[:2].cpu(),
            str(tmp),
            input_names=["image"],
            output_names=outputs,
            dynamic_axes={"image": {0: "N"}, **{o: {0: "N"} for o in outputs}},
            opset_version=13,
            do_constant_folding=True,
        )
    with torch.no_grad():
        got = module(example[:2].cpu())
    pin_output_shapes(tmp, {name: list(t.shape[1:]) for name, t in zip(outputs, got if isinstance(got, tuple) else (got,))})
    if tmp.stat().st_size > MAX_BYTES:
        tmp.unlink()
        raise SystemExit(f"deja-train: {out.name} would be {tmp.stat().st_size} bytes, over the 20 MiB limit of models/")
    tmp.replace(out)


def pin_output_shapes(path: Path, shapes: dict) -> None:
    """Writes the outputs' non-batch dimensions as numbers: the exporter leaves some symbolic (a TTA sum's
    `Addfeatures_dim_1`), and Deja's model registry checks the graph's shapes against the card's."""
    import onnx

    model = onnx.load(str(path))
    for out in model.graph.output:
        dims = out.type.tensor_type.shape.dim
        for d, size in zip(dims[1:], shapes.get(out.name, [])):
            d.ClearField("dim_param")
            d.dim_value = int(size)
    onnx.save(model, str(path))


def check_onnx(module: torch.nn.Module, onnx_file: Path, inputs: torch.Tensor, outputs: list) -> dict:
    """Runs the file through onnxruntime-node and compares with PyTorch; raises when over 1e-4."""
    module = module.eval().cpu()
    with torch.no_grad():
        want = module(inputs.cpu())
    if isinstance(want, torch.Tensor):
        want = (want,)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        inputs.cpu().numpy().astype("<f4").tofile(d / "image.f32")
        for name, t in zip(outputs, want):
            t.numpy().astype("<f4").tofile(d / f"{name}.f32")
        (d / "check.json").write_text(json.dumps({"inputs": {"image": list(inputs.shape)}, "outputs": outputs}))
        r = subprocess.run(["node", "--import", "tsx", "scripts/checkOnnx.ts", str(onnx_file), str(d)], cwd=REPO, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"deja-train: the ONNX check of {onnx_file.name} failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
    report = json.loads(r.stdout.strip().splitlines()[-1])
    worst = max(list(report["maxAbsDiff"].values()) + list(report["batchOneDiff"].values()))
    if worst > TOLERANCE:
        raise SystemExit(f"deja-train: {onnx_file.name} differs from PyTorch by {worst:.3g} (> {TOLERANCE}): {report}")
    return report


def write_card(card: dict, manifest: Path = MODELS / "manifest.json") -> None:
    """Puts `card` into the manifest, replacing the card of the same name (written atomically)."""
    data = json.loads(manifest.read_text()) if manifest.exists() else {"version": 1, "models": []}
    data["models"] = [m for m in data["models"] if m["name"] != card["name"]] + [card]
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(manifest)
