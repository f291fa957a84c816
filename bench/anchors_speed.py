#!/usr/bin/env python3
"""The anchors themselves, timed: Captum and pytorch-grad-cam run from their fetched sources (they import on Debian's
python3-torch 1.13) on torchvision's resnet18 (random weights, eval, parameters frozen), 224x224, random inputs, fixed targets,
the batch and threads given (pytorch-grad-cam on a copy whose parameters take gradients, as it needs); one warm-up call, then the median of --repeats, in ms per image. bench/XaiVision.Bench runs the
same methods with the same model, batch and threads for the side-by-side table in bench/README.md.
Usage: CAPTUM_SRC=<captum checkout> PGC_SRC=<pytorch-grad-cam checkout> /usr/bin/python3 bench/anchors_speed.py [--batch 2] [--threads 2]
"""
import argparse, os, statistics, sys, time, types, warnings
warnings.filterwarnings('ignore')
sys.path.insert(0, os.environ.get('CAPTUM_SRC', '.'))
sys.path.insert(0, os.environ.get('PGC_SRC', '.'))
ttach = sys.modules.setdefault('ttach', types.ModuleType('ttach'))  # only aug_smooth uses it; Debian does not package it
class _Unused:
    def __init__(self, *args, **kwargs): pass
ttach.Compose = ttach.HorizontalFlip = ttach.Multiply = _Unused
import torch
from torchvision import models
from captum.attr import Lime, Saliency, NoiseTunnel, GradientShap, DeepLift, GuidedBackprop, IntegratedGradients, FeatureAblation, KernelShap
from pytorch_grad_cam import GradCAM, HiResCAM, XGradCAM, EigenCAM, FullGrad, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

p = argparse.ArgumentParser()
p.add_argument('--batch', type=int, default=2)
p.add_argument('--repeats', type=int, default=2)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--methods', default='')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
net = models.resnet18().eval()
cam_net = models.resnet18().eval()  # pytorch-grad-cam backpropagates from the loss and needs parameters that take gradients
cam_net.load_state_dict(net.state_dict())
for q in net.parameters(): q.requires_grad_(False)
x = torch.randn(a.batch, 3, 224, 224)
targets = torch.arange(a.batch) % 1000
grid = (torch.arange(224).view(-1, 1) * 8 // 224 * 8 + torch.arange(224).view(1, -1) * 8 // 224).view(1, 1, 224, 224)  # 8x8 cells

def cam(cls, **kwargs):
    def run():
        with cls(model=cam_net, target_layers=[] if cls is FullGrad else [cam_net.layer4], **kwargs) as c:
            return c(input_tensor=x, targets=[ClassifierOutputTarget(int(t)) for t in targets])
    return run

methods = {  # our name -> the anchor's call
    'saliency': lambda: Saliency(net).attribute(x, target=targets, abs=True),
    'integrated-gradients': lambda: IntegratedGradients(net).attribute(x, target=targets, n_steps=32, method='riemann_middle', internal_batch_size=64),
    'noise-tunnel': lambda: NoiseTunnel(Saliency(net)).attribute(x, target=targets, nt_samples=5, stdevs=1.0, nt_samples_batch_size=64),
    'gradient-shap': lambda: GradientShap(net).attribute(x, baselines=torch.zeros(1, 3, 224, 224), target=targets, n_samples=5),
    'deep-lift': lambda: DeepLift(net).attribute(x, target=targets),
    'guided-backprop': lambda: GuidedBackprop(net).attribute(x, target=targets),
    'feature-ablation(segmenter=grid,grid=8)': lambda: FeatureAblation(net).attribute(x, target=targets, feature_mask=grid, perturbations_per_eval=32),
    'kernel-shap(segmenter=grid,grid=8)': lambda: torch.cat([KernelShap(net).attribute(x[i:i + 1], target=int(targets[i]), feature_mask=grid, n_samples=25, perturbations_per_eval=25) for i in range(a.batch)]),
    'lime(segmenter=grid,grid=8)': lambda: torch.cat([Lime(net).attribute(x[i:i + 1], target=int(targets[i]), feature_mask=grid, n_samples=50, perturbations_per_eval=50) for i in range(a.batch)]),
    'grad-cam': cam(GradCAM),
    'hires-cam': cam(HiResCAM),
    'xgrad-cam': cam(XGradCAM),
    'eigen-cam': cam(EigenCAM),
    'full-grad': cam(FullGrad),
    'score-cam': cam(ScoreCAM),
}
chosen = [m for m in (a.methods.split(';') if a.methods else methods)]
print(f'# anchors: Captum and pytorch-grad-cam on torch {torch.__version__}, resnet18 224x224, batch {a.batch}, {a.threads} threads')
print('| method | anchor ms/image |')
print('|---|---|')
for name in chosen:
    run = methods[name]
    try: run()
    except Exception as error:
        print(f'| {name} | fails: {str(error).splitlines()[0][:110]} |', flush=True); continue
    times = []
    for _ in range(a.repeats):
        start = time.perf_counter(); run(); times.append(time.perf_counter() - start)
    print(f'| {name} | {statistics.median(times) * 1000 / a.batch:,.0f} |', flush=True)
