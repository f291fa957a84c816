# zennit-crp itself (github.com/rachtibat/zennit-crp, from its fetched source) with zennit 0.4.6 (github.com/chr5tphr/zennit, tag
# 0.4.6, from source: zennit-crp needs zennit <= 0.4.6 and torch < 2, which Debian's python3-torch 1.13 is) on the demo net's layout
# (demo-shapes) with seeded weights. Writes into OUT (tests/fixtures/crp):
#   demo.pth     the weights (a plain state dict: the engine loads it as its own demo-shapes network)
#   input.npy    three normalised 64x64 images [3, 3, 64, 64]
#   crp.json     the layer, the targets and per composite: the channel relevances at the condition layer (zennit-crp's
#                ChannelConcept.attribute, abs_norm=True) and, per image, the conditions (its top three channels alone, the top two together)
#   maps.npy     [composite, image, 1 + condition, 64, 64]: CondAttribution's heatmaps (input relevance summed over colour channels),
#                first the unconditioned one, then one per condition
# XaiVision.Engine.Tests.Lrp.CrpReferenceTests compares ours at Pearson r >= 0.999 per map.
# Usage: ZENNIT_SRC=/path/with/zennit CRP_SRC=/path/with/crp /usr/bin/python3 tools/crp_reference.py tests/fixtures/crp
#   (git archive 0.4.6 zennit | tar -x -C /path/with/zennit; git archive HEAD crp | tar -x -C /path/with/crp)
import json, os, sys
import numpy as np
sys.path.insert(0, os.environ.get('ZENNIT_SRC', '.'))
sys.path.insert(0, os.environ.get('CRP_SRC', '.'))
import torch, torch.nn as nn
from zennit.composites import EpsilonPlusFlat, EpsilonGammaBox
from crp.attribution import CondAttribution
from crp.concepts import ChannelConcept

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(61)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_net import DemoNet  # XaiVision's demo-shapes layout

net = DemoNet(5).eval()
with torch.no_grad():  # biases that are not zero, so the stabilisers and bias terms are exercised
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)): m.bias.copy_(torch.randn_like(m.bias) * 0.05)
torch.save(net.state_dict(), os.path.join(out, 'demo.pth'))
x = torch.randn(3, 3, 64, 64)
np.save(os.path.join(out, 'input.npy'), x.numpy().astype(np.float32))
targets = [1, 3, 4]  # set, not predicted: a random net predicts one class for everything

layer = 'features.8'  # the last convolution (64 channels, 16x16)
mean, std = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1), torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
low, high = ((0 - mean) / std).expand(1, 3, 64, 64), ((1 - mean) / std).expand(1, 3, 64, 64)
composites = {'epsilon-plus-flat': lambda: EpsilonPlusFlat(), 'epsilon-gamma-box': lambda: EpsilonGammaBox(low=low, high=high)}
attribution = CondAttribution(net)
result = {'layer': layer, 'targets': targets, 'composites': {}}
maps = np.zeros((len(composites), 3, 5, 64, 64), dtype=np.float32)
for k, (name, make) in enumerate(composites.items()):
    entry = {'channelRelevance': [], 'conditions': []}
    for i in range(3):
        data = x[i:i + 1].clone().requires_grad_(True)
        plain = attribution(data, [{'y': [targets[i]]}], make(), record_layer=[layer])
        shares = ChannelConcept().attribute(plain.relevances[layer], abs_norm=True)[0]
        entry['channelRelevance'].append(shares.tolist())
        maps[k, i, 0] = plain.heatmap[0].numpy()
        top = torch.argsort(shares, descending=True)[:3].tolist()
        conditions = [[top[0]], [top[1]], [top[2]], [top[0], top[1]]]
        entry['conditions'].append(conditions)
        for j, channels in enumerate(conditions):
            data = x[i:i + 1].clone().requires_grad_(True)
            maps[k, i, 1 + j] = attribution(data, [{layer: channels, 'y': [targets[i]]}], make()).heatmap[0].numpy()
    result['composites'][name] = entry
with open(os.path.join(out, 'crp.json'), 'w') as f: json.dump(result, f)
np.save(os.path.join(out, 'maps.npy'), maps)
print('wrote', out)
