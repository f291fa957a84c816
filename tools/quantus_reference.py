# Quantus itself (v0.6, from its fetched source) on seeded maps and masks, and on a seeded tiny CNN (TorchScript, so the engine
# runs the very same network): writes the values every metric must match into OUT (tests/fixtures/quantus): map_only.json,
# with_model.json and tinycnn.pt. XaiVision.Engine.Tests.Metrics.QuantusReferenceTests compares to 1e-4.
# Each image is given to Quantus alone (batch size 1): Quantus normalises attributions by the largest magnitude of the whole
# batch, so a larger batch would make one image's score depend on the others.
# Debian: apt-get install python3-torch python3-sklearn python3-skimage python3-matplotlib python3-tqdm python3-pandas python3-opencv
# Usage: QUANTUS_SRC=/path/to/Quantus /usr/bin/python3 tools/quantus_reference.py tests/fixtures/quantus
import contextlib, json, os, sys, warnings
import numpy as np
sys.path.insert(0, os.environ.get('QUANTUS_SRC', '.'))
warnings.filterwarnings('ignore')
import scipy.stats
if 'axis' not in scipy.stats.pearsonr.__code__.co_varnames:
    # Debian 12's SciPy 1.10 has no axis argument, which Quantus's batched correlation passes on Python ≥ 3.10: row by row instead.
    _pearsonr = scipy.stats.pearsonr
    def _rowwise(a, b, axis=None):
        if axis is None: return _pearsonr(a, b)
        return (np.array([_pearsonr(x, y)[0] for x, y in zip(a, b)]), None)
    scipy.stats.pearsonr = _rowwise
import quantus

side = 32
rng = np.random.default_rng(36)
yy, xx = np.mgrid[0:side, 0:side]

def disc(cy, cx, r): return ((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r)
def box(y0, x0, y1, x1): return ((yy >= y0) & (yy < y1) & (xx >= x0) & (xx < x1))

cases = [
    ('signed-noise', rng.normal(size=(side, side)), box(8, 8, 20, 24)),
    ('positive-blob', np.exp(-((yy - 12) ** 2 + (xx - 18) ** 2) / 30.0) + 0.01 * rng.random((side, side)), disc(12, 18, 6)),
    ('blob-off-mask', np.exp(-((yy - 26) ** 2 + (xx - 5) ** 2) / 20.0), disc(10, 22, 5)),
    ('sparse', np.where(rng.random((side, side)) < 0.03, rng.normal(size=(side, side)), 0.0), box(0, 0, 16, 32)),
    ('ties', np.round(rng.random((side, side)) * 4) / 4 - 0.25, disc(16, 16, 9)),
    ('negative-mostly', -np.abs(rng.normal(size=(side, side))) + 0.3 * disc(20, 10, 4), disc(20, 10, 4)),
    ('two-blobs', np.exp(-((yy - 8) ** 2 + (xx - 8) ** 2) / 18.0) + 0.5 * np.exp(-((yy - 22) ** 2 + (xx - 20) ** 2) / 40.0) + 1e-3 * rng.random((side, side)), box(14, 12, 30, 30)),
    ('one-pixel', np.where((yy == 5) & (xx == 7), 3.0, 0.0), box(2, 2, 10, 10)),
]

def run(metric, a, s):
    x = rng.normal(size=(1, 3, side, side)).astype(np.float32)
    value = metric(model=None, x_batch=x, y_batch=np.zeros(1, dtype=int), a_batch=a[None, None].astype(np.float32),
                   s_batch=s[None, None].astype(np.float32), channel_first=True)
    v = float(np.asarray(value, dtype=float).reshape(-1)[0])
    return None if np.isnan(v) else v

metrics = {
    'sparseness': lambda: quantus.Sparseness(disable_warnings=True),
    'complexity': lambda: quantus.Complexity(disable_warnings=True),
    'effective-complexity': lambda: quantus.EffectiveComplexity(disable_warnings=True),
    'effective-complexity(eps=0.1)': lambda: quantus.EffectiveComplexity(eps=0.1, disable_warnings=True),
    'top-k-intersection': lambda: quantus.TopKIntersection(disable_warnings=True),
    'top-k-intersection(k=100,concept-influence=true)': lambda: quantus.TopKIntersection(k=100, concept_influence=True, disable_warnings=True),
    'auc': lambda: quantus.AUC(disable_warnings=True),
    'attribution-localisation': lambda: quantus.AttributionLocalisation(disable_warnings=True),
    'attribution-localisation(abs=false,positive=true)': lambda: quantus.AttributionLocalisation(abs=False, positive_attributions=True, disable_warnings=True),
}

out = {'quantus': quantus.__version__, 'side': side, 'cases': []}
for name, a, s in cases:
    a = np.round(a.astype(np.float64), 7).astype(np.float32) # the values the fixture keeps are the values Quantus sees
    values = {m: run(make(), a.copy(), s) for m, make in metrics.items()}
    out['cases'].append({'name': name, 'map': [float(v) for v in a.reshape(-1)], 'mask': ''.join('1' if m else '0' for m in s.reshape(-1)), 'values': values})
    print(name, {k: (round(v, 5) if v is not None else None) for k, v in values.items()})
outdir = sys.argv[1]
os.makedirs(outdir, exist_ok=True)
with open(os.path.join(outdir, 'map_only.json'), 'w') as f: json.dump(out, f)

# --- Metrics that run the model: a seeded tiny CNN on 12×12 inputs (H·W = 144, so Quantus's features_in_step = 3 × our step
# divides it), scripted so that the engine loads the same network.
import torch
torch.manual_seed(36)
class TinyCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(6, 8, 3, stride=2, padding=1), torch.nn.ReLU())
        self.classifier = torch.nn.Linear(8, 4)
    def forward(self, x):
        return self.classifier(self.features(x).mean([2, 3]))
net = TinyCnn().eval()
torch.jit.script(net).save(os.path.join(outdir, 'tinycnn.pt'))
msize = 12
mrng = np.random.default_rng(7)
images = mrng.normal(size=(3, 3, msize, msize)).astype(np.float32)
with torch.no_grad(): targets = net(torch.from_numpy(images)).argmax(1).numpy()
my, mx = np.mgrid[0:msize, 0:msize]
maps = np.stack([np.exp(-((my - 3) ** 2 + (mx - 8) ** 2) / 10.0) + 0.05 * mrng.random((msize, msize)),
                 mrng.normal(size=(msize, msize)),
                 np.round(mrng.normal(size=(msize, msize)), 7)]).astype(np.float32)
model_metrics = {
    'pixel-flipping': lambda: quantus.PixelFlipping(features_in_step=3, return_auc_per_sample=True, disable_warnings=True),
    'pixel-flipping(step=4)': lambda: quantus.PixelFlipping(features_in_step=12, return_auc_per_sample=True, disable_warnings=True),
    'region-perturbation(patch=5)': lambda: quantus.RegionPerturbation(patch_size=5, disable_warnings=True),
    'region-perturbation(patch=4,order=lerf,regions=5)': lambda: quantus.RegionPerturbation(patch_size=4, order='lerf', regions_evaluation=5, disable_warnings=True),
    'selectivity(patch=4)': lambda: quantus.Selectivity(patch_size=4, disable_warnings=True),
    'faithfulness-estimate': lambda: quantus.FaithfulnessEstimate(features_in_step=3, disable_warnings=True),
    'faithfulness-estimate(step=6)': lambda: quantus.FaithfulnessEstimate(features_in_step=18, disable_warnings=True),
    'monotonicity-correlation(step=4,samples=3)': lambda: quantus.MonotonicityCorrelation(features_in_step=12, nr_samples=3, disable_warnings=True),
    'monotonicity-correlation(step=12,samples=5)': lambda: quantus.MonotonicityCorrelation(features_in_step=36, nr_samples=5, disable_warnings=True),
}

class SharedUniform:
    # Quantus's uniform baselines come from numpy's global generator, one value per image per perturbation, in loop order; the
    # engine draws U[perturbations] from torch's generator seeded by the job's seed (0 in the tests), the same for every image.
    # While active, numpy's uniform hands out the engine's values in that order.
    def __init__(self, seed=0, count=100000):
        self.values = torch.rand([count], generator=torch.Generator().manual_seed(seed)).numpy().astype(np.float64)
    def __enter__(self):
        self.next, self.saved = 0, np.random.uniform
        def uniform(low=0.0, high=1.0, size=None):
            n = int(np.prod(size)) if size is not None else 1
            out = low + (high - low) * self.values[self.next:self.next + n]
            self.next += n
            return out.reshape(size) if size is not None else float(out[0])
        np.random.uniform = uniform
        return self
    def __exit__(self, *exc): np.random.uniform = self.saved
def area(metric, value):
    # PixelFlipping returns the area itself (return_auc_per_sample); the others their curve, whose area get_auc_score takes;
    # monotonicity its verdict (True/False), monotonicity-correlation its correlation.
    v = np.asarray(value, dtype=float).reshape(-1)
    return float(v[0]) if v.size == 1 else float(quantus.helpers.utils.calculate_auc(v))
with_model = {'quantus': quantus.__version__, 'side': msize, 'images': [float(v) for v in images.reshape(-1)],
              'targets': [int(t) for t in targets], 'maps': [float(v) for v in maps.reshape(-1)], 'values': {}}
for name, make in model_metrics.items():
    values = []
    for i in range(len(images)):
        with SharedUniform():
            value = make()(model=net, x_batch=images[i:i + 1], y_batch=targets[i:i + 1], a_batch=maps[i:i + 1, None].copy(), channel_first=True, device='cpu')
        values.append(area(name, value))
    with_model['values'][name] = values
    print(name, [round(v, 5) for v in values])

# Non-sensitivity: Quantus's own class. Completeness: Quantus's verdict is exact equality of the map's sum with the logit's change
# (no real map meets it), so the reference keeps the change Quantus computes (its output_func sees it) and the gap to the raw map's
# sum, relative to the change: the engine's completeness.
model_metrics_more = {
    'non-sensitivity(features=12,eps=0.05)': lambda: quantus.NonSensitivity(features_in_step=12, eps=0.05, disable_warnings=True),
    'non-sensitivity(features=36,eps=0.2)': lambda: quantus.NonSensitivity(features_in_step=36, eps=0.2, disable_warnings=True),
    'non-sensitivity(features=144,eps=0.001)': lambda: quantus.NonSensitivity(features_in_step=144, eps=0.001, disable_warnings=True),
}
for name, make in model_metrics_more.items():
    with_model['values'][name] = [float(np.asarray(make()(model=net, x_batch=images[i:i + 1], y_batch=targets[i:i + 1], a_batch=maps[i:i + 1, None].copy(),
                                                        channel_first=True, device='cpu'), dtype=float).reshape(-1)[0]) for i in range(len(images))]
    print(name, with_model['values'][name])
# Quantus 0.6's Completeness also replaces only the first H·W of the image's C·H·W values (it takes its indices from the map's size:
# the first colour channel); the reference hands it a baseline that replaces them all.
def whole_image(baseline):
    return lambda arr, indices, **kwargs: np.zeros_like(arr) if baseline == 'zero' else np.repeat(arr.min(axis=1, keepdims=True), arr.shape[1], axis=1)
for name, baseline in [('completeness', 'black'), ('completeness(baseline=zero)', 'zero')]:
    values = []
    for i in range(len(images)):
        seen = []
        quantus.Completeness(normalise=False, perturb_func=whole_image(baseline), output_func=lambda d: seen.append(float(d[0])) or d, disable_warnings=True)(
            model=net, x_batch=images[i:i + 1], y_batch=targets[i:i + 1], a_batch=maps[i:i + 1, None].copy(), channel_first=True, device='cpu')
        values.append(abs(float(maps[i].astype(np.float64).sum()) - seen[0]) / abs(seen[0]))
    with_model['values'][name] = values
    print(name, [round(v, 5) for v in values])

# --- Robustness: the metrics explain noisy copies again, so Quantus is given the engine's saliency (max over channels of
# |∂ logit / ∂ x|) as its explain_func, and its noise: draw k is torch's U(0, 1) or N(0, 1) [C, H, W] from a generator seeded with
# job seed · 1000003 + k (seed 0 here), handed out in call order while numpy's uniform or normal is asked.
def saliency(model, inputs, targets, **kwargs):
    x = torch.tensor(np.asarray(inputs), dtype=torch.float32, requires_grad=True)
    model(x)[torch.arange(len(x)), torch.as_tensor(np.asarray(targets)).long()].sum().backward()
    return x.grad.abs().amax(1, keepdim=True).numpy()

class SharedDraws:
    def __init__(self, shape, seed=0): self.shape, self.seed = shape, seed
    def block(self, normal):
        g = torch.Generator().manual_seed(self.seed * 1000003 + self.k)
        self.k += 1
        return (torch.randn if normal else torch.rand)(list(self.shape), generator=g).numpy().astype(np.float64).reshape(-1)
    def __enter__(self):
        self.k, self.saved = 0, (np.random.uniform, np.random.normal, np.random.randint, np.random.randn)
        np.random.uniform = lambda low=0.0, high=1.0, size=None: (low + (high - low) * self.block(False)).reshape(size)
        np.random.normal = lambda loc=0.0, scale=1.0, size=None: (loc + scale * self.block(True)).reshape(size)
        np.random.randn = lambda *shape: self.block(True).reshape(shape)
        # random-logit's other class: one k for every image, from the generator seeded with job seed · 1000003.
        np.random.randint = lambda low, high=None, size=None: np.repeat(
            torch.randint(low, high, [1], generator=torch.Generator().manual_seed(self.seed * 1000003)).numpy(), size if size is not None else 1)
        return self
    def __exit__(self, *exc): np.random.uniform, np.random.normal, np.random.randint, np.random.randn = self.saved

# sMPRT smooths with quantus.explain (not the explain_func it is given): the saliency stands in for it, and each smoothed map takes
# draws k = 0, 1, … again (the engine uses the same draws at every layer).
quantus.explain = lambda model, inputs, targets, **kwargs: saliency(model, inputs, targets)
class CommonDrawsSmoothMPRT(quantus.SmoothMPRT):
    draws = None
    def explain_smooth_batch_numpy(self, **kwargs):
        CommonDrawsSmoothMPRT.draws.k = 0
        return super().explain_smooth_batch_numpy(**kwargs)
def smooth_mprt(**kwargs):
    return lambda: CommonDrawsSmoothMPRT(return_last_correlation=True, seed=0, disable_warnings=True, **kwargs)

robustness_metrics = {
    'avg-sensitivity(samples=6)': lambda: quantus.AvgSensitivity(nr_samples=6, disable_warnings=True),
    'avg-sensitivity(samples=4,radius=0.5,normalise=true)': lambda: quantus.AvgSensitivity(nr_samples=4, lower_bound=0.5, normalise=True, disable_warnings=True),
    'max-sensitivity(units=input,samples=6)': lambda: quantus.MaxSensitivity(nr_samples=6, disable_warnings=True),
    'max-sensitivity(units=input,samples=4,radius=0.5,normalise=true)': lambda: quantus.MaxSensitivity(nr_samples=4, lower_bound=0.5, normalise=True, disable_warnings=True),
    'local-lipschitz-estimate(samples=6)': lambda: quantus.LocalLipschitzEstimate(nr_samples=6, disable_warnings=True),
    'local-lipschitz-estimate(samples=4,std=0.3,normalise=false)': lambda: quantus.LocalLipschitzEstimate(nr_samples=4, perturb_std=0.3, normalise=False, disable_warnings=True),
    'relative-input-stability(samples=6)': lambda: quantus.RelativeInputStability(nr_samples=6, disable_warnings=True),
    'relative-output-stability(samples=6)': lambda: quantus.RelativeOutputStability(nr_samples=6, disable_warnings=True),
    'random-logit': lambda: quantus.RandomLogit(num_classes=4, disable_warnings=True),
    # Continuity: a 12-pixel width moves by ⌊25 / steps⌋ columns a step; Quantus's index runs out past the width (steps=5), and 3
    # and 6 steps stay inside it.
    'continuity(steps=3)': lambda: quantus.Continuity(nr_steps=3, disable_warnings=True),
    'continuity(steps=6)': lambda: quantus.Continuity(nr_steps=6, disable_warnings=True),
    # The randomisation tests re-initialise the layers as torch's reset_parameters does after torch.manual_seed(seed + 1): Quantus's
    # seed 0 is the engine's job seed 0.
    'efficient-mprt': lambda: quantus.EfficientMPRT(seed=0, disable_warnings=True),
    'smooth-mprt(samples=4)': smooth_mprt(nr_samples=4),
    'smooth-mprt(samples=3,noise=0.3)': smooth_mprt(nr_samples=3, noise_magnitude=0.3),
}
with_model['robustness'] = {'explainer': 'saliency', 'maps': [float(v) for v in saliency(net, images, targets).reshape(-1)], 'values': {}}
for name, make in robustness_metrics.items():
    values = []
    for i in range(len(images)):
        # Continuity draws nothing (and Quantus's baseline helper asks numpy for an unused uniform value per image).
        with (contextlib.nullcontext() if name.startswith('continuity') else SharedDraws(images.shape[1:])) as draws:
            CommonDrawsSmoothMPRT.draws = draws
            a = saliency(net, images[i:i + 1], targets[i:i + 1]) if name.startswith('smooth-mprt') else None # sMPRT compares the map it is given
            value = make()(model=net, x_batch=images[i:i + 1], y_batch=targets[i:i + 1], a_batch=a, explain_func=saliency, channel_first=True, device='cpu')
        values.append(float(np.asarray(value, dtype=float).reshape(-1)[0]))
    with_model['robustness']['values'][name] = values
    print(name, [round(v, 5) for v in values])

# Relative representation stability: the representation is the last convolution's output before its ReLU (Quantus hooks
# 'features.2'; after the ReLU, its zeros divide by eps_min and every ratio is ~1e-4); the engine reads it from tinycnn_act.pt,
# the same network scripted to return (logits, that activation) as tools/export-torchscript.py exports one.
class TinyCnnWithActivation(TinyCnn):
    def forward(self, x):
        z = self.features[2](self.features[1](self.features[0](x)))
        return self.classifier(self.features[3](z).mean([2, 3])), z
act = TinyCnnWithActivation().eval()
act.load_state_dict(net.state_dict())
torch.jit.script(act).save(os.path.join(outdir, 'tinycnn_act.pt'))
representation = {
    'relative-representation-stability(samples=6)': lambda: quantus.RelativeRepresentationStability(nr_samples=6, layer_names=['features.2'], disable_warnings=True),
    'relative-representation-stability(samples=4,low=0.1,high=0.5)': lambda: quantus.RelativeRepresentationStability(
        nr_samples=4, layer_names=['features.2'], perturb_func_kwargs={'lower_bound': 0.1, 'upper_bound': 0.5}, disable_warnings=True),
}
with_model['representation'] = {'model': 'tinycnn_act.pt', 'values': {}}
for name, make in representation.items():
    values = []
    for i in range(len(images)):
        with SharedDraws(images.shape[1:]):
            value = make()(model=net, x_batch=images[i:i + 1], y_batch=targets[i:i + 1], a_batch=None, explain_func=saliency, channel_first=True, device='cpu')
        values.append(float(np.asarray(value, dtype=float).reshape(-1)[0]))
    with_model['representation']['values'][name] = values
    print(name, [round(v, 5) for v in values])

# --- ROAD. Quantus 0.6's ROAD.evaluate_batch broadcasts the map over the colour channels and then hands channel-pixel positions to
# noisy_linear_imputation, which indexes pixels: IndexError on any RGB image. PixelRoad is that method with the map kept per pixel
# (the paper's protocol); everything else, the imputation included, is Quantus's. Its noise is N(0, 1) from torch's generator seeded
# as the engine seeds it (job seed · 1000003 + the row's step), taken at the removed pixels, so noisy runs agree exactly too.
import quantus.functions.perturb_func as perturb_module
numpy_randn = np.random.randn
class PixelRoad(quantus.ROAD):
    first_key = 0
    def evaluate_batch(self, model, x_batch, y_batch, a_batch, **kwargs):
        ordered_indices = np.argsort(-a_batch.reshape(a_batch.shape[0], -1), axis=1)
        results = []
        for s, p in enumerate(self.percentages):
            top_k_indices = ordered_indices[:, : int(self.a_size * p / 100)]
            draws = torch.randn([x_batch.shape[1], msize * msize], generator=torch.Generator().manual_seed(self.first_key + s)).numpy()
            x_perturbed = []
            for x_element, top_k_index in zip(x_batch, top_k_indices):
                perturb_module.np.random.randn = lambda *shape, idx=top_k_index: draws[:, idx].astype(np.float64)
                try: x_perturbed.append(self.perturb_func(arr=x_element, indices=top_k_index))
                finally: perturb_module.np.random.randn = numpy_randn
            x_input = model.shape_input(np.stack(x_perturbed, axis=0), x_batch.shape, channel_first=True, batched=True)
            results.append(y_batch == np.argmax(model.predict(x_input), axis=-1))
        return [np.stack(results, axis=1).astype(int)]
    def custom_postprocess(self, **kwargs):
        self.evaluation_scores = self.evaluation_scores[0].mean(axis=1) # per image: the mean over the percentages

# Quantus 0.6's Monotonicity replaces pixels of its all-black start with the black value (batch_baseline_replacement_by_indices
# with perturb_baseline='black'), so the image never changes and every explanation is "monotonic". The paper (Arya et al. 2019)
# puts the image's own pixels back: Quantus's loop runs here with that perturbation, and the engine's monotonicity is ours.
def monotonicity(features_in_step):
    def make(x):
        def put_back(arr, indices, **kwargs):
            out = arr.copy()
            rows = np.arange(arr.shape[0])[:, None]
            out[rows, indices] = x.reshape(arr.shape[0], -1)[rows, indices]
            return out
        return quantus.Monotonicity(features_in_step=features_in_step, perturb_func=put_back, disable_warnings=True)
    return make, False

def road(steps, noise, negate=False, first_key=0):
    def make(x):
        metric = PixelRoad(percentages=[100 * (2 * s + 1) / (2 * steps) for s in range(steps)], noise=noise, disable_warnings=True)
        metric.first_key = first_key
        return metric
    return make, negate
# The tiny CNN predicts one class for nearly any input, so ROAD's accuracy would be 1 throughout, and its probability rises with
# every pixel put back (monotonicity 1 throughout): these run on a net that sees where things are (a convolution, then a linear
# layer over every position), with the same images and maps.
torch.manual_seed(37)
road_net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * msize * msize, 4)).eval()
torch.jit.script(road_net).save(os.path.join(outdir, 'roadnet.pt'))
with torch.no_grad(): road_targets = road_net(torch.from_numpy(images)).argmax(1).numpy()
road_metrics = {
    'road(order=morf,noise=0)': road(50, 0.0),
    'road(order=morf,steps=10)': road(10, 0.01),
    'road(order=morf,steps=25,noise=0.5)': road(25, 0.5),
    'road(order=lerf,steps=10,noise=0.05)': road(10, 0.05, negate=True), # LeRF is MoRF on the map turned upside down (max − map)
    'monotonicity': monotonicity(3),
    'monotonicity(step=4)': monotonicity(12),
    'monotonicity(step=16)': monotonicity(48),
    'monotonicity(step=24)': monotonicity(72),
    'monotonicity(step=48)': monotonicity(144),
}
with_model['road'] = {'targets': [int(t) for t in road_targets], 'values': {}}
for name, (make, negate) in road_metrics.items():
    values = []
    for i in range(len(images)):
        a = maps[i:i + 1, None].max() - maps[i:i + 1, None] if negate else maps[i:i + 1, None]
        values.append(float(np.asarray(make(images[i:i + 1])(model=road_net, x_batch=images[i:i + 1], y_batch=road_targets[i:i + 1], a_batch=a.copy(),
                                              channel_first=True, device='cpu'), dtype=float).reshape(-1)[0]))
    with_model['road']['values'][name] = values
    print(name, [round(v, 5) for v in values])

# Input invariance: Quantus shifts the bias of the model's first submodule, so the nets are Sequentials that start with their
# convolution: road_net (padded: the borders see the shift) and one without padding (the shift is absorbed everywhere). The
# engine builds both from their weights in the fixture (a TorchScript model hides its first layer). Saliency should pass where
# the shift is absorbed; input × gradient (the engine's: summed over the channels) multiplies by the input and cannot.
# Quantus 0.6's perturb_batch hands the perturbation indices[i][1:], so its shift never reaches the image's first value (channel 0,
# pixel (0, 0)), and a ReLU that flips there fails a map that is invariant: the reference shifts every value, as the paper does.
def shift_every_value(arr, indices, indexed_axes, input_shift, **kwargs):
    return arr + np.float32(input_shift)
def input_x_gradient(model, inputs, targets, **kwargs):
    x = torch.tensor(np.asarray(inputs), dtype=torch.float32, requires_grad=True)
    model(x)[torch.arange(len(x)), torch.as_tensor(np.asarray(targets)).long()].sum().backward()
    return (x.grad * x).sum(1, keepdim=True).detach().numpy()
torch.manual_seed(38)
unpadded_net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * (msize - 2) ** 2, 4)).eval()
with_model['invariance'] = {'nets': {}, 'values': {}}
for net_name, invariance_net in [('padded', road_net), ('unpadded', unpadded_net)]:
    with torch.no_grad(): invariance_targets = invariance_net(torch.from_numpy(images)).argmax(1).numpy()
    with_model['invariance']['nets'][net_name] = {'targets': [int(t) for t in invariance_targets],
        'state': {k: [float(v) for v in t.reshape(-1)] for k, t in invariance_net.state_dict().items()}}
    for explainer_name, explain in [('saliency', saliency), ('input-x-gradient', input_x_gradient)]:
        values = [float(np.asarray(quantus.InputInvariance(perturb_func=shift_every_value, disable_warnings=True)(model=invariance_net, x_batch=images[i:i + 1], y_batch=invariance_targets[i:i + 1],
                  a_batch=None, explain_func=explain, channel_first=True, device='cpu'), dtype=float).reshape(-1)[0]) for i in range(len(images))]
        with_model['invariance']['values'][f'{net_name}/{explainer_name}'] = values
        print('input-invariance', net_name, explainer_name, values)

# IROF: Quantus cuts each image with scikit-image's slic(start_label=0) on the model's input values. The segments themselves on
# smooth and noisy images of a few sizes (the engine's SLIC must cut the same), and IROF on road_net with the test maps.
from skimage.segmentation import slic
srng = np.random.default_rng(40)
def smooth_image(side):
    yy, xx = np.mgrid[0:side, 0:side] / side
    return np.stack([np.sin(6 * xx + c) * np.cos(4 * yy - c) + 0.3 * srng.normal(size=(side, side)) for c in range(3)]).astype(np.float32)
from skimage.io import imread
demo_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'assets', 'demo', 'images')
demo_images = [np.moveaxis(imread(os.path.join(demo_dir, f))[..., :3], -1, 0).astype(np.float32) / 255 for f in ('02_triangle.png', '08_star.png')]
slic_cases = [(images[0], 100, 10.0), (smooth_image(32), 100, 10.0), (smooth_image(48), 50, 20.0), (smooth_image(64), 100, 10.0),
              (srng.normal(size=(3, 40, 56)).astype(np.float32), 64, 5.0), (demo_images[0], 100, 10.0), (demo_images[1], 40, 10.0)]
with_model['slic'] = [{'height': int(x.shape[1]), 'width': int(x.shape[2]), 'segments': n, 'compactness': m, 'image': [float(v) for v in x.reshape(-1)],
                       'labels': [int(l) for l in slic(np.moveaxis(x, 0, -1).astype('double'), n_segments=n, compactness=m, start_label=0).reshape(-1)]}
                      for x, n, m in slic_cases]
print('slic segments', [max(case['labels']) + 1 for case in with_model['slic']])
# Quantus 0.6's IROF hands baseline_replacement_by_mask a one-channel mask for a three-channel image, which its shape assertion
# refuses on any RGB input: the reference broadcasts the mask over the channels, and the rest is Quantus's.
def mask_every_channel(arr, mask, **kwargs):
    return perturb_module.baseline_replacement_by_mask(arr=arr, mask=np.broadcast_to(mask, arr.shape), **kwargs)
irof_values = []
for i in range(len(images)):
    irof_values.append(float(np.asarray(quantus.IROF(perturb_func=mask_every_channel, disable_warnings=True)(model=road_net, x_batch=images[i:i + 1], y_batch=road_targets[i:i + 1],
        a_batch=maps[i:i + 1, None].copy(), channel_first=True, device='cpu'), dtype=float).reshape(-1)[0]))
with_model['road']['values']['irof'] = irof_values
print('irof', irof_values)

# Sufficiency and consistency score an image against the others of its batch: one batch of ten images on road_net, maps made
# from three prototypes plus noise (so that some lie near each other). Consistency gets the engine's discretisation (the set of
# the n most relevant cells of a grid×grid pooling, or pixels at grid 0): Quantus's top_n_sign reads the first five values.
brng = np.random.default_rng(41)
# Images and maps come in three groups around prototypes, with noise growing along the batch, so that near maps, shared labels and
# shared predictions all occur, and not always together.
image_prototypes, prototypes = brng.normal(size=(3, 3, msize, msize)), brng.normal(size=(3, msize, msize))
batch_images = np.stack([image_prototypes[i % 3] + 0.15 * i * brng.normal(size=(3, msize, msize)) for i in range(10)]).astype(np.float32)
with torch.no_grad(): batch_targets = road_net(torch.from_numpy(batch_images)).argmax(1).numpy()
batch_maps = np.round(np.stack([prototypes[i % 3] + 0.08 * i * brng.normal(size=(msize, msize)) for i in range(10)]), 7).astype(np.float32)
def top_cells(n, grid):
    def discretise(a, **kwargs):
        m = np.asarray(a, dtype=np.float64).reshape(msize, msize)
        cells = m.reshape(grid, msize // grid, grid, msize // grid).mean(axis=(1, 3)).reshape(-1) if grid > 0 else m.reshape(-1)
        return hash(tuple(sorted(np.argsort(-cells, kind='stable')[:n].tolist())))
    return discretise
batch_metrics = {
    'sufficiency': lambda: quantus.Sufficiency(disable_warnings=True),
    'sufficiency(threshold=0.8)': lambda: quantus.Sufficiency(threshold=0.8, disable_warnings=True),
    'consistency(n=1,grid=3)': lambda: quantus.Consistency(discretise_func=top_cells(1, 3), disable_warnings=True),
    'consistency(n=2,grid=2)': lambda: quantus.Consistency(discretise_func=top_cells(2, 2), disable_warnings=True),
    'consistency(n=1,grid=0)': lambda: quantus.Consistency(discretise_func=top_cells(1, 0), disable_warnings=True),
}
# Sensitivity-n: Quantus's loop (removal in steps of 3·step channel values: a pixel's three copies of its relevance sort together),
# with the relevance removed so far (Quantus's att_sums hold the last step's alone) up to 80 % of the pixels (Quantus stops at
# 80 % of H·W channel values), correlated across the batch per n and averaged.
class CumulativeSensitivityN(quantus.SensitivityN):
    def custom_postprocess(self, x_batch, **kwargs):
        steps = int(0.8 * np.prod(x_batch.shape[2:]) // (self.features_in_step // x_batch.shape[1]))
        deltas, sums = self.evaluation_scores[0]['pred_deltas'], np.cumsum(self.evaluation_scores[0]['att_sums'], axis=1)
        self.evaluation_scores = [float(np.mean([np.corrcoef(deltas[:, k], sums[:, k])[0, 1] for k in range(steps)]))]
sensitivity_n = {'sensitivity-n(step=4)': 4, 'sensitivity-n(step=12)': 12}

# Focus: each image in a 2×2 mosaic with the batch's next image of its class and the next two of other classes, its class's
# quadrants rotating over the six pairs with its place in the batch, each image shrunk by area averaging (the engine's layout,
# see Focus.cs); the mosaics explained by the saliency for the image's class and given to Quantus with their layout.
layouts = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
def focus_plan(targets):
    plans = []
    for i in range(len(targets)):
        after = [(i + k) % len(targets) for k in range(1, len(targets))]
        partner = next((j for j in after if targets[j] == targets[i]), None)
        others = [j for j in after if targets[j] != targets[i]][:2]
        if partner is None or len(others) < 2: plans.append(None); continue
        first, second = layouts[i % 6]
        quadrants, of_class = [None] * 4, [False] * 4
        quadrants[first], quadrants[second], of_class[first], of_class[second] = i, partner, True, True
        rest = [q for q in range(4) if not of_class[q]]
        quadrants[rest[0]], quadrants[rest[1]] = others
        plans.append((quadrants, of_class))
    return plans
def mosaic(four):
    h, w = four.shape[2], four.shape[3]
    top, left = h // 2, w // 2
    shrink = lambda q, hh, ww: torch.nn.functional.adaptive_avg_pool2d(four[q:q + 1], [hh, ww])[0]
    return torch.cat([torch.cat([shrink(0, top, left), shrink(1, top, w - left)], 2), torch.cat([shrink(2, h - top, left), shrink(3, h - top, w - left)], 2)], 1)
focus_plans = focus_plan(batch_targets)
planned = [i for i, p in enumerate(focus_plans) if p is not None]
mosaics = torch.stack([mosaic(torch.from_numpy(batch_images[focus_plans[i][0]])) for i in planned]).numpy()
focus_maps = saliency(road_net, mosaics, batch_targets[planned])
focus_values = [None] * len(batch_targets)
for k, i in enumerate(planned):
    focus_values[i] = float(np.asarray(quantus.Focus(disable_warnings=True)(model=road_net, x_batch=mosaics[k:k + 1], y_batch=batch_targets[i:i + 1],
        a_batch=focus_maps[k:k + 1], custom_batch=[[int(f) for f in focus_plans[i][1]]], channel_first=True, device='cpu'), dtype=float).reshape(-1)[0])
print('focus', focus_values)

with_model['batch'] = {'images': [float(v) for v in batch_images.reshape(-1)], 'targets': [int(t) for t in batch_targets],
                       'maps': [float(v) for v in batch_maps.reshape(-1)], 'values': {}}
for name, make in batch_metrics.items():
    values = [float(v) for v in np.asarray(make()(model=road_net, x_batch=batch_images, y_batch=batch_targets, a_batch=batch_maps[:, None].copy(),
                                                  channel_first=True, device='cpu', batch_size=10), dtype=float).reshape(-1)]
    with_model['batch']['values'][name] = values
    print(name, [round(v, 3) for v in values])
with_model['batch']['focus'] = focus_values
for name, step in sensitivity_n.items():
    metric = CumulativeSensitivityN(features_in_step=3 * step, return_aggregate=False, disable_warnings=True)
    metric(model=road_net, x_batch=batch_images, y_batch=batch_targets, a_batch=batch_maps[:, None].copy(), channel_first=True, device='cpu', batch_size=10)
    with_model['batch']['values'][name] = [metric.evaluation_scores[0]] * len(batch_targets)
    print(name, metric.evaluation_scores)

# The imputation itself, noise-free: the first image with the top quarter of its first map's pixels imputed.
quarter = np.argsort(-maps[0].reshape(-1))[: msize * msize // 4]
with_model['imputation'] = {'indices': [int(i) for i in quarter],
                            'image': [float(v) for v in perturb_module.noisy_linear_imputation(images[0].astype(np.float64), quarter, noise=0.0).reshape(-1)]}
with open(os.path.join(outdir, 'with_model.json'), 'w') as f: json.dump(with_model, f)
