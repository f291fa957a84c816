# Captum itself (from its fetched source: it imports on Debian's python3-torch 1.13) on a seeded small CNN, scripted so that the
# engine runs the very same network: writes the maps every Captum-named method of ours must reproduce into OUT
# (tests/fixtures/captum): net.pt and maps.json. XaiVision.Engine.Tests.Explainers.CaptumReferenceTests compares.
# The stochastic methods get the engine's draws: torch's generator seeded as the engine seeds it (SeededNoise: one block
# [1, samples, C, H, W] from the job's seed, the same for every image; GradientSHAP's α from seed + 1), handed out while Captum asks
# torch.normal and np.random.uniform. Each image is explained alone (the engine's draws are the same for every image).
# Usage: CAPTUM_SRC=/path/to/captum /usr/bin/python3 tools/captum_reference.py tests/fixtures/captum
import json, os, sys
import numpy as np
sys.path.insert(0, os.environ.get('CAPTUM_SRC', '.'))
import torch
from captum.attr import DeepLift, DeepLiftShap, Lime, NoiseTunnel, Saliency, InputXGradient, GradientShap, GuidedBackprop, Deconvolution, GuidedGradCam, FeatureAblation, ShapleyValueSampling, KernelShap
from captum._utils.models.linear_model import SkLearnLasso
from skimage.segmentation import slic

torch.manual_seed(51)
side = 16
net = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(6, 8, 3, stride=2, padding=1), torch.nn.ReLU(),
                          torch.nn.Flatten(), torch.nn.Linear(8 * (side // 2) ** 2, 4)).eval()
# DeepLIFT's rules act on activation and max-pool modules: a second net with both kinds, a 1×1 convolution between each activation
# and its pool. Captum's rules misfire where one rule module feeds another directly (ReLU → MaxPool2d): the activation's hook reads
# the gradient its output had before the pool's hook replaced it, so the attributions no longer sum to y(x) − y(x′) (Captum's own
# convergence delta says so); the engine's sum to it there too (DeepLiftTests).
deep = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(6, 6, 1), torch.nn.MaxPool2d(2),
                           torch.nn.Conv2d(6, 8, 3, padding=1), torch.nn.Tanh(), torch.nn.Conv2d(8, 8, 1), torch.nn.MaxPool2d(2),
                           torch.nn.Flatten(), torch.nn.Linear(8 * (side // 4) ** 2, 4)).eval()
outdir = sys.argv[1]
os.makedirs(outdir, exist_ok=True)
torch.jit.script(net).save(os.path.join(outdir, 'net.pt'))
rng = np.random.default_rng(52)
images = torch.from_numpy(rng.normal(size=(3, 3, side, side)).astype(np.float32))
with torch.no_grad(): targets, deep_targets = net(images).argmax(1), deep(images).argmax(1)
mean, std = torch.tensor([0.485, 0.456, 0.406]), torch.tensor([0.229, 0.224, 0.225])
baselines = {'zero': torch.zeros(1, 3, side, side), 'black': ((0 - mean) / std).view(1, 3, 1, 1).expand(1, 3, side, side).contiguous()}

class EngineDraws:
    def __init__(self, samples, seed=0): self.samples, self.seed = samples, seed
    def __enter__(self):
        self.saved = (torch.normal, np.random.uniform)
        draw = torch.randn([1, self.samples, 3, side, side], generator=torch.Generator().manual_seed(self.seed)).view(self.samples, 3, side, side)
        normal = self.saved[0]
        torch.normal = lambda mean, std, *a, **k: draw * std if torch.is_tensor(std) and std.shape == draw.shape else normal(mean, std, *a, **k)
        alphas = torch.rand([1, self.samples], generator=torch.Generator().manual_seed(self.seed + 1)).view(-1).double().numpy()
        np.random.uniform = lambda low=0.0, high=1.0, size=None: low + (high - low) * alphas[:size]
        return self
    def __exit__(self, *exc): torch.normal, np.random.uniform = self.saved

def noise_tunnel(method, kind, samples=5, stdev=1.0):
    def run(x, t):
        base = Saliency(net) if method == 'saliency' else InputXGradient(net)
        with EngineDraws(samples):
            a = NoiseTunnel(base).attribute(x, nt_type=kind.replace('-', '_'), nt_samples=samples, stdevs=stdev, target=t)
        return a.amax(1) if method == 'saliency' else a.sum(1) # the engine's channel reductions
    return run

def gradient_shap(samples=5, stdev=0.0, baseline='zero'):
    def run(x, t):
        with EngineDraws(samples):
            a = GradientShap(net).attribute(x, baselines=baselines[baseline], n_samples=samples, stdevs=stdev, target=t)
        return a.sum(1)
    return run

# Guided backpropagation, deconvolution and guided Grad-CAM replace the ReLU modules' backward: the engine runs them on its own
# modules holding the net's weights (a TorchScript model hides its ReLUs), named as the Sequential names them; guided Grad-CAM at
# the second convolution's ReLU ('3').
def modified(cls):
    return lambda x, t: cls(net).attribute(x, target=t).abs().amax(1)
def guided_grad_cam(x, t):
    return GuidedGradCam(net, net[3]).attribute(x, target=t).abs().amax(1)

# The superpixel methods take Captum's feature_mask: scikit-image's SLIC of the image (the engine's SLIC cuts the same segments,
# QuantusReferenceTests), or grid×grid cells; Captum's values are equal over the channels, the map is one of them.
def feature_mask(x, segments=100, compactness=10.0, grid=None):
    if grid is not None:
        yy, xx = np.mgrid[0:side, 0:side]
        return torch.from_numpy((yy * grid // side) * grid + xx * grid // side).view(1, 1, side, side)
    return torch.from_numpy(slic(np.moveaxis(x[0].numpy(), 0, -1).astype('double'), n_segments=segments, compactness=compactness, start_label=0)).view(1, 1, side, side)
def feature_ablation(**kwargs):
    return lambda x, t: FeatureAblation(net).attribute(x, target=t, feature_mask=feature_mask(x, **kwargs))[:, 0]

# Shapley value sampling: Captum asks torch.randperm for each order; order k (counted per image) is the engine's, the features
# sorted by draws of U(0, 1) from the generator job seed · 1000003 + k (seed 0).
def shapley(samples, **kwargs):
    def run(x, t):
        saved, calls = torch.randperm, [0]
        def randperm(count, *a, **k):
            draws = torch.rand([count], generator=torch.Generator().manual_seed(calls[0]))
            calls[0] += 1
            return torch.argsort(draws)
        torch.randperm = randperm
        try: return ShapleyValueSampling(net).attribute(x, target=t, feature_mask=feature_mask(x, **kwargs), n_samples=samples)[:, 0]
        finally: torch.randperm = saved
    return run

# KernelSHAP: Captum samples each coalition's size from its Categorical and its members as the largest of torch.randn(1, K);
# coalition k (counted per image from 2, after all and none) takes the engine's draws: U(0, 1) for the size (inverse CDF of the
# same weights), then the K normals, from the generator job seed · 1000003 + k.
def kernel_shap(samples, **kwargs):
    def run(x, t):
        saved = (torch.distributions.Categorical.sample, torch.randn)
        state = {'k': 2, 'gen': None}
        def sample(self, *a, **k):
            count = self.probs.shape[0]
            state['gen'] = torch.Generator().manual_seed(state['k'])
            state['k'] += 1
            u = float(torch.rand([1], generator=state['gen'])[0])
            weights = np.array([(count - 1.0) / (m * (count - m)) for m in range(1, count)])
            cdf = np.cumsum(weights / weights.sum())
            return torch.tensor(next((m for m in range(1, count) if u < cdf[m - 1]), count - 1))
        def randn(*shape, **k):
            if state['gen'] is not None and len(shape) == 2 and shape[0] == 1: return saved[1](*shape, generator=state['gen'])
            return saved[1](*shape, **k)
        torch.distributions.Categorical.sample, torch.randn = sample, randn
        try: return KernelShap(net).attribute(x, target=t, feature_mask=feature_mask(x, **kwargs), n_samples=samples)[:, 0]
        finally: torch.distributions.Categorical.sample, torch.randn = saved
    return run

# LIME: Captum asks torch.bernoulli for each coalition's [1, K] bits; coalition k (counted per image from 0) is the engine's: U(0, 1)
# per superpixel from the generator job seed · 1000003 + k, in where below ½. Its defaults otherwise: cosine-distance exponential
# kernel of width 1, scikit-learn's Lasso(alpha=0.01).
def lime(samples, alpha=0.01, **kwargs):
    def run(x, t):
        saved, calls = torch.bernoulli, [0]
        def bernoulli(probs, *a, **k):
            draws = torch.rand([probs.shape[-1]], generator=torch.Generator().manual_seed(calls[0]))
            calls[0] += 1
            return (draws < 0.5).float().view(probs.shape)
        torch.bernoulli = bernoulli
        try: return Lime(net, interpretable_model=SkLearnLasso(alpha=alpha)).attribute(x, target=t, feature_mask=feature_mask(x, **kwargs), n_samples=samples)[:, 0]
        finally: torch.bernoulli = saved
    return run

# DeepLIFT on the second net (the engine holds its weights in its own modules); DeepLIFT SHAP's references are the engine's: U(0, 1)
# pixels [1, samples, C, H, W] from the job's seed (0), normalised.
def deep_lift(baseline='zero'):
    return lambda x, t: DeepLift(deep).attribute(x, baselines=baselines[baseline], target=t).sum(1)
def deep_lift_shap(samples):
    pixels = torch.rand([1, samples, 3, side, side], generator=torch.Generator().manual_seed(0))[0]
    references = (pixels - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)
    return lambda x, t: DeepLiftShap(deep).attribute(x, baselines=references, target=t).sum(1)
deep_methods = {
    'deep-lift': deep_lift(),
    'deep-lift(baseline=black)': deep_lift('black'),
    'deep-lift-shap(samples=4)': deep_lift_shap(4),
}

methods = {
    'noise-tunnel': noise_tunnel('saliency', 'smoothgrad'),
    'noise-tunnel(type=smoothgrad-sq,samples=4,stdev=0.5)': noise_tunnel('saliency', 'smoothgrad-sq', 4, 0.5),
    'noise-tunnel(method=input-x-gradient,type=vargrad,samples=6,stdev=0.3)': noise_tunnel('input-x-gradient', 'vargrad', 6, 0.3),
    'noise-tunnel(method=input-x-gradient,samples=3,stdev=0.2)': noise_tunnel('input-x-gradient', 'smoothgrad', 3, 0.2),
    'gradient-shap': gradient_shap(),
    'gradient-shap(samples=8,stdev=0.2,baseline=black)': gradient_shap(8, 0.2, 'black'),
    'guided-backprop': modified(GuidedBackprop),
    'deconvolution': modified(Deconvolution),
    'guided-grad-cam(layer=3)': guided_grad_cam,
    'feature-ablation': feature_ablation(),
    'feature-ablation(segments=20,compactness=50)': feature_ablation(segments=20, compactness=50.0),
    'feature-ablation(segmenter=grid,grid=4)': feature_ablation(grid=4),
    'shapley-value-sampling(samples=3,segments=20,compactness=50)': shapley(3, segments=20, compactness=50.0),
    'shapley-value-sampling(samples=5,segmenter=grid,grid=4)': shapley(5, grid=4),
    'kernel-shap(segmenter=grid,grid=4)': kernel_shap(25, grid=4),
    'kernel-shap(samples=60,segments=20,compactness=50)': kernel_shap(60, segments=20, compactness=50.0),
    'kernel-shap(samples=8,segmenter=grid,grid=3)': kernel_shap(8, grid=3),
    'lime(segmenter=grid,grid=4)': lime(50, grid=4),
    'lime(samples=80,segments=20,compactness=50)': lime(80, segments=20, compactness=50.0),
    'lime(samples=30,segmenter=grid,grid=3)': lime(30, grid=3),
    'lime(alpha=0.0005,segmenter=grid,grid=4)': lime(50, alpha=0.0005, grid=4),  # the tiny net's logits move little: a smaller alpha keeps more
}
out = {'side': side, 'images': [float(v) for v in images.reshape(-1)], 'targets': [int(t) for t in targets], 'maps': {},
       'state': {k: [float(v) for v in t.reshape(-1)] for k, t in net.state_dict().items()},
       'deepTargets': [int(t) for t in deep_targets], 'deepState': {k: [float(v) for v in t.reshape(-1)] for k, t in deep.state_dict().items()}}
for name, run in list(methods.items()) + list(deep_methods.items()):
    labels = deep_targets if name in deep_methods else targets
    maps = torch.cat([run(images[i:i + 1], int(labels[i])) for i in range(len(images))]).detach()
    out['maps'][name] = [float(v) for v in maps.reshape(-1)]
    print(name, [round(float(m.abs().max()), 5) for m in maps])
with open(os.path.join(outdir, 'maps.json'), 'w') as f: json.dump(out, f)
