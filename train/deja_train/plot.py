"""Training curves as a PNG, drawn with PIL (python3-pil comes with python3-torchvision; no matplotlib).

Left panel: losses by epoch; right panel: accuracies (0–1). One colour per series, legend on top.
"""
from pathlib import Path

from PIL import Image, ImageDraw

COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75)]


def _panel(draw, box, series, title, y_range=None):
    x0, y0, x1, y1 = box
    draw.rectangle(box, outline=(0, 0, 0))
    draw.text((x0 + 4, y0 - 14), title, fill=(0, 0, 0))
    xs = [x for s in series.values() for x, _ in s]
    ys = [y for s in series.values() for _, y in s]
    if not xs:
        return
    xmin, xmax = min(xs), max(xs)
    ymin, ymax = y_range or (min(ys), max(ys))
    if ymax - ymin < 1e-9:
        ymax = ymin + 1
    if xmax == xmin:
        xmax = xmin + 1
    sx = lambda x: x0 + 30 + (x - xmin) / (xmax - xmin) * (x1 - x0 - 40)
    sy = lambda y: y1 - 20 - (y - ymin) / (ymax - ymin) * (y1 - y0 - 30)
    for t in range(5):
        v = ymin + (ymax - ymin) * t / 4
        draw.line([(x0 + 30, sy(v)), (x1 - 10, sy(v))], fill=(225, 225, 225))
        draw.text((x0 + 2, sy(v) - 5), f"{v:.2f}", fill=(90, 90, 90))
    draw.text((x1 - 60, y1 - 14), f"epoch {xmax:g}", fill=(90, 90, 90))
    for i, (label, pts) in enumerate(series.items()):
        c = COLOURS[i % len(COLOURS)]
        if len(pts) > 1:
            draw.line([(sx(x), sy(y)) for x, y in pts], fill=c, width=2)
        for x, y in pts[-1:]:
            draw.ellipse([sx(x) - 3, sy(y) - 3, sx(x) + 3, sy(y) + 3], fill=c)
        draw.text((x0 + 40 + 150 * i, y0 + 4), f"{label} {pts[-1][1]:.4f}", fill=c)


def plot_curves(log: list, out: Path, title: str = "") -> None:
    img = Image.new("RGB", (1000, 380), "white")
    draw = ImageDraw.Draw(img)
    draw.text((10, 6), title, fill=(0, 0, 0))
    keys = [k for k in log[0] if k != "epoch" and isinstance(log[0][k], (int, float))]
    losses = {k: [(r["epoch"], r[k]) for r in log if k in r] for k in keys if "loss" in k}
    accs = {k: [(r["epoch"], r[k]) for r in log if k in r] for k in keys if "acc" in k}
    _panel(draw, (10, 40, 495, 370), losses, "loss")
    _panel(draw, (505, 40, 990, 370), accs, "accuracy", (min([y for s in accs.values() for _, y in s] + [0.9]), 1.0))
    tmp = out.with_suffix(".tmp.png")
    img.save(tmp)
    tmp.replace(out)
