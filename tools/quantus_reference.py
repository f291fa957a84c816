# Quantus itself (v0.6, from its fetched source) on seeded maps and masks: writes the values every map-only metric must match
# (tests/fixtures/quantus/map_only.json; XaiVision.Engine.Tests.Metrics.QuantusReferenceTests compares to 1e-4).
# Each image is given to Quantus alone (batch size 1): Quantus normalises attributions by the largest magnitude of the whole
# batch, so a larger batch would make one image's score depend on the others.
# Debian: apt-get install python3-torch python3-sklearn python3-skimage python3-matplotlib python3-tqdm python3-pandas python3-opencv
# Usage: QUANTUS_SRC=/path/to/Quantus /usr/bin/python3 tools/quantus_reference.py tests/fixtures/quantus/map_only.json
import json, os, sys, warnings
import numpy as np
sys.path.insert(0, os.environ.get('QUANTUS_SRC', '.'))
warnings.filterwarnings('ignore')
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
with open(sys.argv[1], 'w') as f: json.dump(out, f)
