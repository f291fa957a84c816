#!/usr/bin/env python3
"""Writes src/XaiVision.Engine/Models/Signatures/<arch>.json: torchvision 0.14's [key, shape] list of each architecture's
state dict (1000 classes), in order. The engine recognises a weight file's architecture from these without building any
network; a test checks that our modules produce exactly these lists (Debian: apt-get install python3-torchvision)."""
import json, os, sys
import torchvision.models as m

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "XaiVision.Engine", "Models", "Signatures")
os.makedirs(out, exist_ok=True)
for name in ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
             "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
             "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "densenet121", "densenet161", "densenet169", "densenet201"] + [f"efficientnet_b{i}" for i in range(8)] + ["convnext_tiny", "convnext_small", "convnext_base", "convnext_large", "vit_b_16", "vit_b_32"]:
    sd = getattr(m, name)().state_dict()
    json.dump([[k, list(v.shape)] for k, v in sd.items()], open(os.path.join(out, f"{name}.json"), "w"), separators=(",", ":"))
