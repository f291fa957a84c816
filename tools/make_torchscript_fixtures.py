#!/usr/bin/env python3
"""Regenerates tests/fixtures/torchscript with PyTorch itself (Debian: apt-get install python3-torch): the engine tests'
hand-weighted CamNet (A_k = ReLU(Σ_c U_kc x_c), y = V · mean A) as
  camnet_activation.pt  traced with tools/export-torchscript.py's wrapper: returns (logits, the ReLU's output)
  camnet_traced.pt      torch.jit.trace, logits only
  camnet_scripted.pt    torch.jit.script, logits only"""
import importlib.util, os, sys
import torch, torch.nn as nn

here = os.path.dirname(__file__)
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "fixtures", "torchscript")
os.makedirs(out, exist_ok=True)
spec = importlib.util.spec_from_file_location("export", os.path.join(here, "export-torchscript.py"))
export = importlib.util.module_from_spec(spec); spec.loader.exec_module(export)

U = [1.0, -0.5, 0.25, -0.3, 0.8, 0.6]   # CamHandComputedTests
V = [0.9, -0.4, -0.7, 1.2]

class CamNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 2, 1, bias=False), nn.ReLU())
        self.head = nn.Linear(2, 2, bias=False)
        with torch.no_grad():
            self.features[0].weight.copy_(torch.tensor(U).view(2, 3, 1, 1))
            self.head.weight.copy_(torch.tensor(V).view(2, 2))
    def forward(self, x):
        return self.head(self.features(x).mean([2, 3]))

export.export(CamNet(), os.path.join(out, "camnet_activation.pt"), layer="features.1", input_size=2)
export.export(CamNet(), os.path.join(out, "camnet_traced.pt"), input_size=2)
export.export(CamNet(), os.path.join(out, "camnet_scripted.pt"), script=True)
print("torch", torch.__version__, "->", out)
