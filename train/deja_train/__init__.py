"""Deja's training wing: seeded, resumable PyTorch recipes that export ONNX models with cards.

Each recipe (train/<recipe>.py) reads its data straight from ../shared/data, keeps a held-out split it
never trains on, checkpoints every epoch, logs every epoch to CSV and a PNG of the curves, exports an
ONNX graph (dynamic batch) checked against PyTorch through Deja's own onnxruntime-node path, and writes
its card into models/manifest.json.
"""
