#!/usr/bin/env python3
"""Regenerates tests/fixtures/weights with PyTorch itself (Debian: apt-get install python3-torch python3-torchvision).

Tests never run this; they read what it wrote. Files:
  tiny_zip.pth / tiny_legacy.pth  - state dict of TinyNet in the zip (>=1.6) and legacy formats
  tiny.safetensors                - the same tensors in safetensors layout (written by hand: no package here)
  tiny_expected.json              - every tensor's shape, dtype and values, plus a forward pass on a fixed input
"""
import json, struct, os, sys
import torch, torch.nn as nn, torchvision

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "weights")
os.makedirs(out, exist_ok=True)
torch.manual_seed(7)

class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Linear(4 * 2 * 2, 3))
    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))

net = TinyNet()
with torch.no_grad():
    bn = net.features[1]
    bn.running_mean.copy_(torch.randn(4) * 0.1); bn.running_var.copy_(torch.rand(4) + 0.5)
    bn.weight.copy_(torch.rand(4) + 0.5); bn.bias.copy_(torch.randn(4) * 0.1)
    bn.num_batches_tracked.fill_(42)
net.eval()
sd = net.state_dict()
torch.save(sd, os.path.join(out, "tiny_zip.pth"))
torch.save(sd, os.path.join(out, "tiny_legacy.pth"), _use_new_zipfile_serialization=False)

# safetensors: 8-byte LE header size, JSON header, raw little-endian data
dtypes = {torch.float32: "F32", torch.int64: "I64"}
header, blobs, offset = {}, [], 0
for k, v in sd.items():
    b = v.contiguous().numpy().tobytes()
    header[k] = {"dtype": dtypes[v.dtype], "shape": list(v.shape), "data_offsets": [offset, offset + len(b)]}
    blobs.append(b); offset += len(b)
h = json.dumps(header).encode()
with open(os.path.join(out, "tiny.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h); [f.write(b) for b in blobs]

x = torch.linspace(-1, 1, 3 * 4 * 4).reshape(1, 3, 4, 4)
expected = {
    "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": v.flatten().tolist()} for k, v in sd.items()},
    "input": x.flatten().tolist(), "input_shape": list(x.shape),
    "output": net(x).flatten().tolist(),
}
json.dump(expected, open(os.path.join(out, "tiny_expected.json"), "w"))

# a pickle that must never be executed: a state dict whose value is built by os.system
class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/xaivision-pwned",))
torch.save({"features.0.weight": Evil()}, os.path.join(out, "evil_legacy.pth"), _use_new_zipfile_serialization=False)
torch.save({"features.0.weight": Evil()}, os.path.join(out, "evil_zip.pth"))

# torchvision's key/shape lists: tools/make_signatures.py (embedded in the engine).
print("torch", torch.__version__, "torchvision", torchvision.__version__, "->", out)


def make_zip_bombs(folder):
    """tiny_zip.pth with an entry inflating far past what it should hold (deflated zeros: a few hundred KB on disk):
    bomb_data.pth — data/0 + 64 MiB (its storage holds 432 bytes); bomb_pickle.pth — data.pkl + 300 MiB (the limit is 256 MiB).
    The trial's bombs had 4 GiB; the reader refuses by the declared size before inflating, so a smaller one tests the same rule."""
    import zipfile
    source = zipfile.ZipFile(os.path.join(folder, "tiny_zip.pth"))
    for name, entry, extra in [("bomb_data.pth", "tiny_zip/data/0", 64 << 20), ("bomb_pickle.pth", "tiny_zip/data.pkl", 300 << 20)]:
        with zipfile.ZipFile(os.path.join(folder, name), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == entry:
                    with bomb.open(info.filename, "w", force_zip64=True) as out:
                        out.write(data)
                        zeros = bytes(1 << 20)
                        for _ in range(extra >> 20):
                            out.write(zeros)
                else:
                    bomb.writestr(info.filename, data, compress_type=zipfile.ZIP_STORED)
make_zip_bombs(out)
