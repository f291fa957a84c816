"""ConvNeXt-Tiny Integrated Gradients: which 16-step rule is right? (issue: IG disagreed with Captum at r = 0.88-0.92.)

Builds a seeded torchvision convnext_tiny with a 7-class head, and for a few 224x224 images computes IG with the zero baseline
(zeros in normalised space) in float32 and float64 with Captum's riemann_trapezoid and with our midpoint rule, against a
converged reference (midpoint, 128 steps, float64). Prints the Pearson r of each channel-summed map with the reference.
Writes the weights and the images so `xaivision explain` can be compared too:
  python3 tools/convnext_ig_check.py OUT && xaivision explain OUT/images --weights OUT/convnext7.pth \
      --methods "integrated-gradients(steps=16)" --out OUT/ours --no-overlay
  python3 tools/convnext_ig_check.py OUT --compare OUT/ours
Needs Debian's python3-torch / python3-torchvision (1.13 / 0.14)."""
import os, sys
import numpy as np
import torch, torchvision
from PIL import Image

out = sys.argv[1] if len(sys.argv) > 1 else "convnext-ig"
os.makedirs(os.path.join(out, "images"), exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.convnext_tiny(num_classes=7).eval()
torch.save(model.state_dict(), os.path.join(out, "convnext7.pth"))
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

def images():
    g = torch.Generator().manual_seed(1)
    for i in range(int(os.environ.get("IMAGES", "2"))):  # smooth random scenes: low-resolution noise upsampled, as photos are smooth
        low = torch.rand(1, 3, 14, 14, generator=g)
        img = torch.nn.functional.interpolate(low, size=(224, 224), mode="bilinear", align_corners=False).clamp(0, 1)
        png = (img[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
        Image.fromarray(png).save(os.path.join(out, "images", f"scene{i}.png"))
        yield f"scene{i}", (torch.from_numpy(png).permute(2, 0, 1).float().unsqueeze(0) / 255 - mean) / std

def ig(x, target, steps, rule, dtype):
    m = model.to(dtype)
    x = x.to(dtype)
    if rule == "trapezoid":  # Captum's riemann_trapezoid: alphas 0..1, half weights at both ends
        alphas = torch.linspace(0, 1, steps, dtype=dtype)
        weights = torch.full((steps,), 1.0 / (steps - 1), dtype=dtype); weights[0] /= 2; weights[-1] /= 2
    else:  # midpoint: ours
        alphas = (torch.arange(steps, dtype=dtype) + 0.5) / steps
        weights = torch.full((steps,), 1.0 / steps, dtype=dtype)
    total = torch.zeros_like(x)
    for chunk in torch.split(torch.arange(steps), 8):
        points = (alphas[chunk].view(-1, 1, 1, 1) * x).requires_grad_(True)
        score = m(points)[:, target].sum()
        grad, = torch.autograd.grad(score, points)
        total += (grad * weights[chunk].view(-1, 1, 1, 1)).sum(0, keepdim=True)
    return (x * total).sum(1)[0].double()

def r(a, b):
    a, b = a.flatten() - a.mean(), b.flatten() - b.mean()
    return float((a @ b) / (a.norm() * b.norm()))

compare = sys.argv[sys.argv.index("--compare") + 1] if "--compare" in sys.argv else None
for name, x in images():
    with torch.no_grad():
        target = int(model.float()(x).argmax())
    reference = ig(x, target, 128, "midpoint", torch.float64)
    row = [name]
    for rule in ("trapezoid", "midpoint"):
        for dtype in (torch.float32, torch.float64):
            row.append(f"{rule}-16 {str(dtype)[6:]}: {r(ig(x, target, 16, rule, dtype), reference):.5f}")
    print(" | ".join(row), flush=True)
    row = [name]
    row.append(f"midpoint-64 float64: {r(ig(x, target, 64, 'midpoint', torch.float64), reference):.5f}")
    row.append(f"trapezoid-64 float64: {r(ig(x, target, 64, 'trapezoid', torch.float64), reference):.5f}")
    if compare:
        ours = torch.from_numpy(np.load(os.path.join(compare, name, "integrated-gradients.npy"))).double()
        row.append(f"xaivision midpoint-16 float32: {r(ours, reference):.5f}; vs torch midpoint-16 float32: {r(ours, ig(x, target, 16, 'midpoint', torch.float32)):.5f}")
    print(" | ".join(row), flush=True)
