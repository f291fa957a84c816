#!/usr/bin/env python3
"""The same computations in PyTorch, for side-by-side CPU timings with bench/XaiVision.Bench.

VGG16 224x224, random weights (torchvision init), fp32, eval mode, parameters frozen, random inputs,
random targets; one warm-up call then the median of --repeats. Captum and pytorch-grad-cam are not
installable here, so their algorithms are written out (as our explainers do):
  grad-cam      hook on features.29, grad of the target logits w.r.t. its output, ReLU(sum_k mean(g_k) A_k), bilinear upsample
  ixg           input * d logit / d input, summed over channels
  ig-32         32 midpoint steps from a zero baseline, internal batch 64
  lrp-epsilon   Captum-style: epsilon (1e-9) on every conv/linear/pool via z * (y/z).detach() forward hooks, input * grad
  grad-cam++, layer-cam   pytorch-grad-cam's weightings of the same activations and gradients
  saliency      max over channels of |d logit / d input|
  lrp-composite Montavon 2019 / Zennit EpsilonGammaBox on VGG16 with the same modified-forward rules as ours
  smoothgrad-16 Captum NoiseTunnel: mean |gradient| over 16 noisy copies (sigma = 0.15 (max - min)), internal batch 64
Usage: python3 bench/pytorch_reference.py [--batches 1,8] [--repeats 2] [--methods grad-cam,ixg,lrp-epsilon,ig-32] [--device cuda]
On CUDA each timing is bracketed by torch.cuda.synchronize(); TF32 stays off (PyTorch's default for convolutions is on:
--tf32 sets both cudnn and matmul allow_tf32, as XaiVision's --precision tf32 does).
"""
import argparse, os, statistics, time
import torch, torch.nn as nn, torch.nn.functional as F
from torchvision import models

p = argparse.ArgumentParser()
p.add_argument("--batches", default="1,8")
p.add_argument("--repeats", type=int, default=2)
p.add_argument("--methods", default="grad-cam,ixg,lrp-epsilon,ig-32")
p.add_argument("--device", default="cpu")
p.add_argument("--tf32", action="store_true")
p.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (Debian's torch starts with 1; TorchSharp uses all cores)")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
dev = torch.device(a.device)
torch.backends.cudnn.allow_tf32 = a.tf32
torch.backends.cuda.matmul.allow_tf32 = a.tf32
net = models.vgg16().eval().to(dev)
for q in net.parameters(): q.requires_grad_(False)

def score(logits, t): return logits.gather(1, t.view(-1, 1)).sum()

def cam_parts(x, t):
    """activations of features.29 and the gradient of the target logits w.r.t. them (autograd only above the layer)"""
    store = {}
    def hook(m, i, o):
        o = o.detach().requires_grad_(True); store["a"] = o; return o
    h = net.features[29].register_forward_hook(hook)
    try:
        with torch.enable_grad():
            logits = net(x)
            g, = torch.autograd.grad(score(logits, t), store["a"])
    finally:
        h.remove()
    return store["a"].detach(), g

def upsample(cam, x): return F.interpolate(cam.unsqueeze(1), size=x.shape[2:], mode="bilinear", align_corners=False)[:, 0]

def grad_cam(x, t):
    a, g = cam_parts(x, t)
    return upsample(F.relu((g.mean((2, 3), keepdim=True) * a).sum(1)), x)

def grad_cam_pp(x, t):  # pytorch-grad-cam's GradCAMPlusPlus
    a, g = cam_parts(x, t)
    g2 = g.pow(2); g3 = g2 * g
    alpha = g2 / (2 * g2 + a.sum((2, 3), keepdim=True) * g3 + 1e-7)
    alpha = torch.where(g != 0, alpha, torch.zeros_like(alpha))
    w = (alpha * F.relu(g)).sum((2, 3), keepdim=True)
    return upsample(F.relu((w * a).sum(1)), x)

def layer_cam(x, t):
    a, g = cam_parts(x, t)
    return upsample(F.relu((F.relu(g) * a).sum(1)), x)

def saliency(x, t):
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        g, = torch.autograd.grad(score(net(x), t), x)
    return g.abs().amax(1)

def smoothgrad(x, t, samples=16, noise=0.15, batch=64):  # Captum NoiseTunnel(smoothgrad) over |saliency|
    n = x.shape[0]
    sigma = (x.flatten(1).amax(1) - x.flatten(1).amin(1)).view(n, 1, 1, 1) * noise
    total = torch.zeros_like(x)
    idx_all = torch.arange(n, device=x.device).repeat_interleave(samples)
    for k in range(0, n * samples, batch):
        idx = idx_all[k:k + batch]
        inp = (x[idx] + sigma[idx] * torch.randn_like(x[idx])).requires_grad_(True)
        with torch.enable_grad():
            g, = torch.autograd.grad(score(net(inp), t[idx]), inp)
        total.index_add_(0, idx, g.abs())
    return (total / samples).sum(1)

def ixg(x, t):
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        g, = torch.autograd.grad(score(net(x), t), x)
    return (x * g).sum(1)

def ig32(x, t, steps=32, batch=64):
    alphas = ((torch.arange(steps, dtype=torch.float32) + 0.5) / steps).to(x.device)
    total = torch.zeros_like(x)
    rows = [(i, s) for i in range(x.shape[0]) for s in range(steps)]
    for k in range(0, len(rows), batch):
        chunk = rows[k:k + batch]
        idx = torch.tensor([r[0] for r in chunk], device=x.device); st = torch.tensor([r[1] for r in chunk], device=x.device)
        inp = (alphas[st].view(-1, 1, 1, 1) * x[idx]).requires_grad_(True)
        with torch.enable_grad():
            g, = torch.autograd.grad(score(net(inp), t[idx]), inp)
        total.index_add_(0, idx, g)
    return (x * total / steps).sum(1)

def lrp_eps(x, t, eps=1e-9):
    def hook(m, i, y):
        z = y + eps * (y.ge(0).float() * 2 - 1)
        return z * (y / z).detach()
    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear, nn.MaxPool2d, nn.AdaptiveAvgPool2d))]
    try:
        return ixg(x, t)
    finally:
        for h in hs: h.remove()

def lrp_composite(x, t, gamma=0.25, eps=0.25):
    """Montavon et al. 2019 as XaiVision's lrp-composite (and Zennit's EpsilonGammaBox, VGG16): z^B on features.0,
    gamma on the convs of blocks 1-3 (features.2-16), eps = 0.25 rms(z) on features.17-28, LRP-0 on the dense layers,
    max-pooling as average pooling; each rule a 'modified forward' z * (y / z).detach(); R = sum of input x gradient."""
    mean = torch.tensor([0.485, 0.456, 0.406], device=x.device).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225], device=x.device).view(1, 3, 1, 1)
    low = ((0 - mean) / std).expand_as(x).clone().requires_grad_(True)
    high = ((1 - mean) / std).expand_as(x).clone().requires_grad_(True)
    def stab(z, e): return z + (z.ge(0).to(z.dtype) * 2 * e - e).detach()
    def reroute(y, z): return z * torch.where(z == 0, torch.zeros_like(y), y / z).detach()
    def zbox(m, i, y):
        a = i[0]
        z = F.conv2d(a, m.weight, m.bias, padding=1) - F.conv2d(low, m.weight.clamp(min=0), padding=1) - F.conv2d(high, m.weight.clamp(max=0), padding=1)
        return reroute(y, stab(z, 1e-9))
    def gamma_rule(m, i, y):
        z = F.conv2d(i[0], m.weight + gamma * m.weight.clamp(min=0), m.bias + gamma * m.bias.clamp(min=0), padding=1)
        return reroute(y, stab(z, 1e-9))
    def eps_rms(m, i, y):
        e = y.detach().flatten(1).pow(2).mean(1).sqrt().view(-1, 1, 1, 1) * eps + 1e-9
        return reroute(y, y + (y.ge(0).to(y.dtype) * 2 * e - e).detach())
    def avg_for_max(m, i, y):
        return reroute(y, stab(F.avg_pool2d(i[0], m.kernel_size, m.stride), 1e-9))
    hooks = []
    for idx, m in enumerate(net.features):
        if isinstance(m, nn.Conv2d): hooks.append(m.register_forward_hook(zbox if idx == 0 else gamma_rule if idx <= 16 else eps_rms))
        elif isinstance(m, nn.MaxPool2d): hooks.append(m.register_forward_hook(avg_for_max))
    try:
        xx = x.detach().requires_grad_(True)
        with torch.enable_grad():
            gx, gl, gh = torch.autograd.grad(score(net(xx), t), [xx, low, high])
        return (xx * gx + low * gl + high * gh).sum(1)
    finally:
        for h in hooks: h.remove()

methods = {"grad-cam": grad_cam, "lrp-composite": lrp_composite, "grad-cam++": grad_cam_pp, "layer-cam": layer_cam, "saliency": saliency, "smoothgrad-16": smoothgrad,
           "ixg": ixg, "ig-32": ig32, "lrp-epsilon": lrp_eps}
def sync():
    if dev.type == "cuda": torch.cuda.synchronize()

where = torch.cuda.get_device_name(dev) if dev.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
print(f"# PyTorch {torch.__version__}, vgg16 224x224, random weights, {'tf32' if a.tf32 else 'fp32'}, {where}")
print("| method | batch | images/s | ms/image |")
print("|---|---|---|---|")
for name in a.methods.split(","):
    for b in [int(v) for v in a.batches.split(",")]:
        x = torch.randn(b, 3, 224, 224, device=dev); t = torch.randint(0, 1000, (b,), device=dev)
        times = []
        for r in range(a.repeats + 1):
            sync(); s = time.perf_counter(); methods[name](x, t); sync(); e = time.perf_counter() - s
            if r: times.append(e)
        m = statistics.median(times)
        print(f"| {name} | {b} | {b / m:.2f} | {m * 1000 / b:.0f} |", flush=True)
