# zennit-crp's own relevance maximisation (FeatureVisualization.run, RelMax with max_target="sum", abs_norm=True: its defaults) on the
# CRP fixture's network (tests/fixtures/crp/demo.pth), zennit 0.4.6, PyTorch 1.13, over 24 seeded images each explained for a set class,
# at the layer the CRP fixture conditions on. Writes into OUT (tests/fixtures/crp):
#   relmax-input.npy   the 24 normalised 64x64 images [24, 3, 64, 64]
#   relmax.json        the layer, the targets, and per channel zennit-crp's reference order: every sample index, most relevant first,
#                      with its share (the channel's relevance over the Σ of |relevance| of all channels, per sample)
# XaiVision.Engine.Tests.Lrp.CrpReferenceTests checks that our atlas's references are zennit-crp's order over the same candidates.
# Usage: ZENNIT_SRC=... CRP_SRC=... /usr/bin/python3 tools/relmax_reference.py tests/fixtures/crp   (sources as for crp_reference.py)
import json, os, sys, tempfile
import numpy as np
sys.path.insert(0, os.environ.get('ZENNIT_SRC', '.'))
sys.path.insert(0, os.environ.get('CRP_SRC', '.'))
import torch
from zennit.composites import EpsilonPlusFlat
from crp.attribution import CondAttribution
from crp.concepts import ChannelConcept
from crp.visualization import FeatureVisualization
from crp.helper import load_maximization

out = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_net import DemoNet  # XaiVision's demo-shapes layout

net = DemoNet(5).eval()
net.load_state_dict(torch.load(os.path.join(out, 'demo.pth')))
torch.manual_seed(67)
x = torch.randn(24, 3, 64, 64)
targets = [i % 5 for i in range(24)]
np.save(os.path.join(out, 'relmax-input.npy'), x.numpy().astype(np.float32))
layer = 'features.8'


class Samples(torch.utils.data.Dataset):
    def __len__(self): return len(x)
    def __getitem__(self, i): return x[i], targets[i]


with tempfile.TemporaryDirectory() as path:
    fv = FeatureVisualization(CondAttribution(net), Samples(), {layer: ChannelConcept()}, path=path)
    fv.run(EpsilonPlusFlat(), 0, len(x), batch_size=8)
    order, shares, _ = load_maximization(fv.RelMax.PATH, layer)
    channels = {str(c): {'samples': order[:, c].tolist(), 'shares': shares[:, c].tolist()} for c in range(order.shape[1])}
with open(os.path.join(out, 'relmax.json'), 'w') as f:
    json.dump({'layer': layer, 'targets': targets, 'channels': channels}, f)
print('channels', len(channels), 'samples per channel', len(channels['0']['samples']))
