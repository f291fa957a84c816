#!/usr/bin/env python3
"""Writes torchvision models with random weights (and non-trivial BatchNorm statistics), an input and their logits, so
`dotnet run --project bench/XaiVision.Bench -c Release -- --torchvision-check DIR` can check that our modules compute what
torchvision computes on the same weights (the weights are too big to commit; this regenerates them anywhere).
  python3 tools/torchvision_reference.py /tmp/tv [architecture …]      (Debian: apt-get install python3-torchvision)"""
import json, os, sys
import torch, torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/xaivision-torchvision"
names = sys.argv[2:] or ["vgg11_bn", "resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "densenet121", "efficientnet_b0", "efficientnet_b5", "convnext_tiny", "vit_b_16"]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
x = torch.randn(2, 3, 224, 224)
torch.save({"x": x}, os.path.join(out, "input.pth"))
logits = {}
for name in names:
    m = getattr(torchvision.models, name)(num_classes=7).eval()
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.running_mean.copy_(torch.randn_like(mod.running_mean) * 0.1); mod.running_var.copy_(torch.rand_like(mod.running_var) + 0.5)
                mod.weight.copy_(torch.rand_like(mod.weight) + 0.5); mod.bias.copy_(torch.randn_like(mod.bias) * 0.1)
        for param in m.parameters():  # zero-initialised heads (ViT) would make every logit 0 and the comparison vacuous
            if param.abs().sum() == 0:
                param.normal_(0, 0.02)
        torch.save(m.state_dict(), os.path.join(out, f"{name}.pth"))
        logits[name] = m(x).flatten().tolist()
json.dump(logits, open(os.path.join(out, "logits.json"), "w"))
print(f"torchvision {torchvision.__version__}: {', '.join(names)} -> {out}")
