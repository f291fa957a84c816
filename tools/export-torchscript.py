#!/usr/bin/env python3
"""Exports a PyTorch model as TorchScript that XaiVision can audit, with your own PyTorch.

CAM methods need a layer's activation, and TorchScript modules have no hooks XaiVision can reach, so the export wraps the
model to return (logits, activation of --layer). Gradient methods, black-box methods, perturbations and metrics work on any
TorchScript classifier; LRP needs a native architecture (load the state dict instead).

  python3 tools/export-torchscript.py --torchvision resnet18 --weights finetuned.pth --layer layer4 --out resnet18-cam.pt
  python3 tools/export-torchscript.py --factory mypackage.models:build_model --weights best.pth --layer backbone.stage4 --out m.pt
  python3 tools/export-torchscript.py --torchvision mobilenet_v2 --num-classes 5 --out plain.pt       # no --layer: logits only
  xaivision explain photos/ --weights resnet18-cam.pt --methods grad-cam,integrated-gradients

Options: --input-size (224) for the example input of torch.jit.trace; --script to use torch.jit.script (no example input,
needs scriptable code) — with --layer the wrapper is traced either way.
"""
import argparse, importlib
import torch, torch.nn as nn


class WithActivation(nn.Module):
    """forward(x) -> (logits, the output of `layer`): the convention XaiVision's CAM methods read."""

    def __init__(self, model, layer):
        super().__init__()
        self.model = model
        modules = dict(model.named_modules())
        if layer not in modules:
            raise SystemExit(f"error: the model has no layer '{layer}'; some of its layers: {', '.join(list(modules)[1:25])}")
        self._activation = None
        self.handle = modules[layer].register_forward_hook(lambda _m, _i, output: setattr(self, "_activation", output))

    def forward(self, x):
        logits = self.model(x)
        return logits, self._activation


def export(model, out, layer=None, input_size=224, script=False):
    model = model.eval()
    example = torch.randn(1, 3, input_size, input_size)
    if layer is not None:
        wrapper = WithActivation(model, layer)
        module = torch.jit.trace(wrapper, example, check_trace=False)
        wrapper.handle.remove()  # the traced graph holds the activation; the model itself stays hook-free
    elif script:
        module = torch.jit.script(model)
    else:
        module = torch.jit.trace(model, example)
    module.save(out)
    return module


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--torchvision", help="a torchvision architecture name, e.g. resnet18")
    source.add_argument("--factory", help="module:callable that returns your nn.Module")
    p.add_argument("--num-classes", type=int, help="head size for --torchvision (default: from --weights, else 1000)")
    p.add_argument("--weights", help="a state dict (or a checkpoint holding one under 'state_dict' / 'model_state_dict')")
    p.add_argument("--layer", help="the CAM layer, by module name (e.g. layer4, features.29)")
    p.add_argument("--input-size", type=int, default=224)
    p.add_argument("--script", action="store_true")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    state = None
    if a.weights:
        state = torch.load(a.weights, map_location="cpu")
        for key in ("state_dict", "model_state_dict", "model"):
            if isinstance(state, dict) and isinstance(state.get(key), dict):
                state = state[key]
        state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}
    if a.torchvision:
        import torchvision
        classes = a.num_classes or next((v.shape[0] for k, v in reversed(list((state or {}).items())) if k.endswith("weight")), 1000)
        model = getattr(torchvision.models, a.torchvision)(num_classes=classes)
    else:
        module_name, _, name = a.factory.partition(":")
        model = getattr(importlib.import_module(module_name), name)()
    if state is not None:
        model.load_state_dict(state)
    export(model, a.out, a.layer, a.input_size, a.script)
    print(f"wrote {a.out}" + (f" (returns logits and the activation of {a.layer})" if a.layer else " (returns logits)"))


if __name__ == "__main__":
    main()
