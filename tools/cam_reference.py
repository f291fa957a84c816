# pytorch-grad-cam itself (from its fetched source, github.com/jacobgil/pytorch-grad-cam) on a seeded small CNN, exported as
# TorchScript that returns (logits, the CAM layer's activation) so the engine runs the very same network: writes camnet.pt and
# cams.json (the weights, for the engine's own twin of the network; input, targets and every method's maps, as pytorch-grad-cam returns them: min-max scaled, resized) into OUT
# (tests/fixtures/cams). XaiVision.Engine.Tests.Explainers.CamReferenceTests compares ours at Pearson r >= 0.999 per image.
# Debian: apt-get install python3-torch python3-opencv python3-sklearn python3-scipy
# Usage: PGC_SRC=/path/to/pytorch-grad-cam TTACH_SRC=/path/to/ttach /usr/bin/python3 tools/cam_reference.py tests/fixtures/cams
import importlib.util, json, os, sys, types
import numpy as np
import torch, torch.nn as nn
sys.path.insert(0, os.environ.get('PGC_SRC', '.'))
sys.path.insert(0, os.environ.get('TTACH_SRC', '.'))  # ttach (github.com/qubvel/ttach, pure Python): aug_smooth's augmentations
try:
    import ttach
except ImportError:  # Debian does not package it: without TTACH_SRC the aug_smooth rows are left out
    ttach = sys.modules.setdefault('ttach', types.ModuleType('ttach'))
    class _Unused:  # the default augmentations are built in every CAM's constructor, used only by aug_smooth
        def __init__(self, *args, **kwargs): pass
    ttach.Compose = ttach.HorizontalFlip = ttach.Multiply = _Unused
from pytorch_grad_cam import KPCA_CAM, FullGrad, GradCAM, GradCAMPlusPlus, LayerCAM, HiResCAM, XGradCAM, GradCAMElementWise, ScoreCAM, EigenCAM, EigenGradCAM, AblationCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'tests', 'fixtures', 'cams')
os.makedirs(out, exist_ok=True)
spec = importlib.util.spec_from_file_location('export', os.path.join(here, 'export-torchscript.py'))
export = importlib.util.module_from_spec(spec); spec.loader.exec_module(export)

side, layer = 16, 'features.2'  # a convolution's output before BatchNorm and ReLU: signed activations with gradients at negative
# positions too (behind a bare ReLU the gradient is 0 wherever the activation is negative, and element-wise Grad-CAM equals LayerCAM)
torch.manual_seed(31)

class CamRefNet(nn.Module):
    """Two convolutions up to the CAM layer (16x16), then BatchNorm (seeded statistics), pooling, a third convolution and a dense
    head over every position, so the gradient at the CAM layer varies over space (with global pooling it would not)."""
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8),
                                      nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 6, 3, padding=1), nn.ReLU())
        with torch.no_grad():
            norm = self.features[3]
            norm.running_mean.copy_(torch.randn(8) * 0.2); norm.running_var.copy_(torch.rand(8) + 0.5)
            norm.weight.copy_(torch.rand(8) + 0.5); norm.bias.copy_(torch.randn(8) * 0.5)
        self.head = nn.Linear(6 * (side // 2) ** 2, 4)
    def forward(self, x):
        return self.head(self.features(x).flatten(1))

model = CamRefNet().eval()
export.export(model, os.path.join(out, 'camnet.pt'), layer=layer, input_size=side)
x = torch.randn(4, 3, side, side)
targets = [0, 1, 2, 3]
methods = {'grad-cam': GradCAM, 'grad-cam++': GradCAMPlusPlus, 'layer-cam': LayerCAM, 'hires-cam': HiResCAM,
           'xgrad-cam': XGradCAM, 'grad-cam-elementwise': GradCAMElementWise, 'score-cam': ScoreCAM,
           'eigen-cam': EigenCAM, 'eigen-grad-cam': EigenGradCAM,
           'ablation-cam(layer=features.4)': AblationCAM,  # after BatchNorm's ReLU: ablation sets a channel to 0 there
           'full-grad': FullGrad,  # every convolution's and BatchNorm's bias; no layer
           # several target layers, fused (each ReLU'd, scaled, resized, then averaged); features.6 is at 8×8, so the resize counts
           'grad-cam(layers=features.2+features.6)': GradCAM, 'layer-cam(layers=features.0+features.2+features.6)': LayerCAM,
           # eigen_smooth: the first principal component of the weighted activations instead of their sum
           'grad-cam(eigen-smooth=true)': GradCAM, 'layer-cam(eigen-smooth=true)': LayerCAM,
           # kernel PCA of the activations (scikit-learn's KernelPCA; its arpack start is random, its sign fixed by svd_flip)
           # (the default γ = 1/channels keeps tanh nearly linear on this layer: KPCA-CAM ≈ Eigen-CAM there, so the fixture's γ are larger)
           'kpca-cam(gamma=1)': KPCA_CAM, 'kpca-cam(kernel=rbf,gamma=0.05)': KPCA_CAM, 'kpca-cam(kernel=poly,gamma=0.5)': KPCA_CAM}
if hasattr(ttach, 'Rotate90'):  # the real ttach: aug_smooth (mirrored or not, × 0.9, 1, 1.1), on one layer and on two fused
    methods.update({'grad-cam(aug-smooth=true)': GradCAM, 'layer-cam(layers=features.2+features.6,aug-smooth=true)': LayerCAM})
modules = dict(model.named_modules())
def fixed_sign(result, batch):
    """Eigen-CAM's maps with the sign convention the engine uses (pytorch-grad-cam leaves it to LAPACK): its own projection, or
    the negation, whichever correlates positively with the centred channel mean; ReLU'd and scaled as pytorch-grad-cam does."""
    from pytorch_grad_cam.utils.svd_on_activations import get_2d_projection
    from pytorch_grad_cam.utils.image import scale_cam_image
    projection = get_2d_projection(batch)
    flips = 0
    for i, (p, a) in enumerate(zip(projection, batch)):
        positions = a.reshape(a.shape[0], -1).T
        response = (positions - positions.mean(axis=0)).mean(axis=1)
        if (p.reshape(-1) * response).sum() < 0:
            projection[i] = -p; flips += 1
    return scale_cam_image(np.maximum(projection, 0), (side, side)), flips

maps, notes = {}, {}
for name, cam_type in methods.items():
    target_layer = modules[name.split('layer=')[1].rstrip(')') if 'layer=' in name else layer]
    target_layers = [modules[l] for l in name.split('layers=')[1].split(',')[0].rstrip(')').split('+')] if 'layers=' in name else [target_layer]
    smooth = 'eigen-smooth=true' in name
    options = {'kernel': name.split('kernel=')[1].split(',')[0].rstrip(')')} if 'kernel=' in name else {}
    if 'gamma=' in name: options['gamma'] = float(name.split('gamma=')[1].split(',')[0].rstrip(')'))
    with cam_type(model=model, target_layers=[] if cam_type is FullGrad else target_layers, **options) as cam:
        result = cam(input_tensor=x, targets=[ClassifierOutputTarget(t) for t in targets], eigen_smooth=smooth, aug_smooth='aug-smooth=true' in name)
    if name.startswith('eigen') or smooth:
        captured = {}
        hook = target_layer.register_forward_hook(lambda module, inputs, output: captured.__setitem__('a', output))
        logits = model(x)
        hook.remove()
        a = captured['a']
        grads, = torch.autograd.grad(logits.gather(1, torch.tensor(targets)[:, None]).sum(), a)  # each image's target logit
        weighted = {'eigen-cam': a, 'eigen-grad-cam': grads * a, 'grad-cam': grads.mean((2, 3), keepdim=True) * a,
                    'layer-cam': torch.relu(grads) * a}[name.split('(')[0]]
        from pytorch_grad_cam.utils.svd_on_activations import get_2d_projection
        from pytorch_grad_cam.utils.image import scale_cam_image
        as_is = scale_cam_image(np.maximum(get_2d_projection(weighted.detach().numpy()), 0), (side, side))
        # float32 rounding of the weights (numpy's mean here, torch's there) moves a principal component by up to 1e-3 of its range
        assert np.allclose(result, as_is, atol=2e-3), f'{name}: the weighted activations here are not pytorch-grad-cam\'s'
        fixed, flips = fixed_sign(result, weighted.detach().numpy())
        notes[name] = f'pytorch-grad-cam showed the negative component on {flips} of {len(targets)} images'
        result = fixed
    if 'aug-smooth=true' in name:  # aug_smooth returns the mean of six [0, 1] maps; scaled here, as the test scales ours
        from pytorch_grad_cam.utils.image import scale_cam_image
        result = scale_cam_image(result)
    assert all(np.ptp(m) > 0 for m in result), f'{name}: a map is constant; change the seed'
    maps[name] = result.reshape(len(targets), -1).tolist()
json.dump({'side': side, 'layer': layer, 'input': x.flatten().tolist(), 'targets': targets,
           'logits': model(x).flatten().tolist(), 'maps': maps, 'notes': notes,
           'state': {k: v.flatten().tolist() for k, v in model.state_dict().items() if not k.endswith('num_batches_tracked')}}, open(os.path.join(out, 'cams.json'), 'w'))
print('torch', torch.__version__, '-> pytorch-grad-cam maps for', ', '.join(methods), 'in', out)
