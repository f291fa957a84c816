#!/usr/bin/env python3
"""Regenerates tests/fixtures/checkpoints with PyTorch itself (Debian: apt-get install python3-torch python3-numpy).

The model saving styles people use, on the demo net's layout (demo-shapes) with a fine-tuned 10-class head. To keep the
files small the two big dense weights are saved as expanded rows (one row of storage, stride 0 across the others): the
tensors read back are ordinary, and the structure around them is exactly what torch.save writes. Files:
  demo10_state.pth        plain state dict (zip format)               demo10_legacy.pth   the same, legacy format
  demo10_training.pth     {epoch, best_acc (numpy float64), model_state_dict, optimizer_state_dict, classes, history (numpy array)}
  demo10_lightning.ckpt   Lightning's layout: state_dict with 'model.' prefixes, optimizer_states, hyper_parameters, version
  demo10_dataparallel.pth 'module.' prefixes (DataParallel / DDP)   demo10_compiled.pth  '_orig_mod.' prefixes (torch.compile)
  demo10_two_models.pth   {'model': …, 'ema': …}: two candidates    demo10_aux.pth       extra keys (an auxiliary head)
  demo10_idx_to_class.pth {'state_dict': …, 'idx_to_class': {0: 'class-0', …}}
  demo10_expected.json    the logits of every file's weights on a fixed input (all files hold the same weights)
"""
import json, os, sys
import numpy as np
import torch, torch.nn as nn

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "checkpoints")
os.makedirs(out, exist_ok=True)
torch.manual_seed(13)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_net import DemoNet  # XaiVision's demo-shapes layout

net = DemoNet(10).eval()
sd = net.state_dict()
sd["classifier.0.weight"] = (torch.randn(1, 4096) * 0.02).expand(128, 4096)  # one stored row
with torch.no_grad():
    net.classifier[0].weight.copy_(sd["classifier.0.weight"])
classes = [f"class-{i}" for i in range(10)]

def save(name, obj, **kwargs):
    torch.save(obj, os.path.join(out, name), **kwargs)

def prefixed(prefix):
    return {prefix + k: v for k, v in sd.items()}

sgd = torch.optim.SGD(net.parameters(), lr=0.01)  # no momentum: its state is empty, so the file stays small
save("demo10_state.pth", sd)
save("demo10_legacy.pth", sd, _use_new_zipfile_serialization=False)
save("demo10_training.pth", {"epoch": 12, "best_acc": np.float64(0.931), "model_state_dict": sd, "optimizer_state_dict": sgd.state_dict(),
                             "classes": classes, "history": np.array([0.5, 0.8, 0.93]), "note": None, "args": {"lr": 0.01, "tags": ("a", "b")}})
save("demo10_lightning.ckpt", {"epoch": 3, "global_step": 300, "pytorch-lightning_version": "1.9.5", "state_dict": prefixed("model."),
                               "loops": {"fit_loop": {"epoch_progress": {"current": {"completed": 3}}}}, "callbacks": {},
                               "optimizer_states": [sgd.state_dict()], "lr_schedulers": [], "hparams_name": "kwargs",
                               "hyper_parameters": {"lr": 0.01, "num_classes": 10}})
save("demo10_dataparallel.pth", prefixed("module."))
save("demo10_compiled.pth", prefixed("_orig_mod."))
save("demo10_two_models.pth", {"model": sd, "ema": dict(sd)})
save("demo10_aux.pth", {**sd, "aux_classifier.weight": torch.zeros(10, 128), "aux_classifier.bias": torch.zeros(10)})
save("demo10_idx_to_class.pth", {"state_dict": sd, "idx_to_class": {i: c for i, c in enumerate(classes)}})

x = torch.linspace(-1, 1, 3 * 64 * 64).reshape(1, 3, 64, 64)
json.dump({"input": "linspace(-1, 1, 3*64*64) as 1x3x64x64", "logits": net(x).flatten().tolist(), "classes": classes},
          open(os.path.join(out, "demo10_expected.json"), "w"))
