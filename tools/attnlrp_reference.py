# LXT (github.com/rachtibat/LRP-eXplains-Transformers, its lxt/efficient sources) on torchvision 0.14's VisionTransformer with Debian's
# PyTorch 1.13, with zennit 0.5.1 (github.com/chr5tphr/zennit, tag 0.5.1, from source: LXT's zennit patch needs its ParamMod) for the
# gamma rules, exactly as LXT's examples/vit_torch.py does it, on a small seeded ViT (32x32 inputs, 8x8 patches, 2 layers, 2 heads).
# Writes into OUT (tests/fixtures/attnlrp):
#   vit.pth      the weights (a plain torchvision state dict)
#   input.npy    three normalised 32x32 images [3, 3, 32, 32]
#   attnlrp.json the network's shape, the targets, the logits, and per variant its rules and each image's sum of input relevance
#   maps.npy     [variant, image, 32, 32]: input relevance (input x gradient) summed over colour channels
# Variants:
#   cp-*       LXT's own torchvision ViT map (lxt/efficient/models/vit_torch.py): CP-LRP in the attention (query and key cut off),
#              identity rule on LayerNorm's std and on GELU, zennit Gamma on Conv2d and Linear (LXT's grid values)
#   attnlrp    AttnLRP's uniform rule inside the attention with LXT's own divide_gradient (query, key / 4, value / 2, as LXT's
#              wrap_attention_forward does for the transformers it patches): LXT has no attention hook for torchvision's ViT, so the
#              attention here is written out by this script (torch 1.13's multi_head_attention_forward, step by step)
# XaiVision.Engine.Tests.Lrp.AttnLrpReferenceTests compares ours at Pearson r >= 0.99 per map.
# Usage: ZENNIT_SRC=/path/zennit-0.5.1/src LXT_SRC=/path/with/lxt /usr/bin/python3 tools/attnlrp_reference.py tests/fixtures/attnlrp
#   (git archive 0.5.1 src/zennit | tar -x -C /path/zennit-0.5.1; git archive HEAD lxt | tar -x -C /path/with/lxt)
import json, math, os, sys, types
import numpy as np
sys.path.insert(0, os.environ.get('ZENNIT_SRC', '.'))
sys.path.insert(0, os.environ.get('LXT_SRC', '.'))
import torch, torch.nn as nn, torch.nn.functional as F
from torchvision.models import vision_transformer

# lxt/efficient/__init__ imports its Hugging Face model maps (transformers, not on this machine): load only its rules and patches.
for package in ('lxt', 'lxt.efficient'):
    module = types.ModuleType(package)
    module.__path__ = [os.path.join(os.environ.get('LXT_SRC', '.'), *package.split('.'))]
    sys.modules[package] = module
from lxt.efficient.rules import divide_gradient
from lxt.efficient.patches import patch_method, non_linear_forward, layer_norm_forward, cp_multi_head_attention_forward
from lxt.efficient.zennit_patches import monkey_patch_zennit
from zennit.composites import LayerMapComposite
import zennit.rules as z_rules

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(73)
shape = {'imageSize': 32, 'patch': 8, 'layers': 2, 'heads': 2, 'width': 16, 'mlpWidth': 32, 'classes': 5}
net = vision_transformer.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=5).eval()
with torch.no_grad():  # every parameter random, biases and LayerNorm affines too, so the bias terms and stabilisers are exercised
    for name, p in net.named_parameters():
        if name.endswith('bias'): p.copy_(torch.randn_like(p) * 0.05)
        elif 'ln' in name: p.copy_(1 + torch.randn_like(p) * 0.1)
        elif p.dim() >= 2 and name != 'class_token' and 'pos_embedding' not in name:
            p.copy_(torch.randn_like(p) * (1 / math.sqrt(p[0].numel())))
        else: p.copy_(torch.randn_like(p) * 0.1)
torch.save(net.state_dict(), os.path.join(out, 'vit.pth'))
x = torch.randn(3, 3, 32, 32)
np.save(os.path.join(out, 'input.npy'), x.numpy().astype(np.float32))
targets = [1, 3, 4]
with torch.no_grad(): logits = net(x)

originals = {cls: cls.forward for cls in (nn.GELU, nn.LayerNorm, nn.MultiheadAttention)}
# LXT's vit_torch map, applied as its monkey_patch does
for cls, fn in ((nn.GELU, non_linear_forward), (nn.LayerNorm, layer_norm_forward), (nn.MultiheadAttention, cp_multi_head_attention_forward)):
    patch_method(fn, cls, keep_original=cls is not nn.LayerNorm)
monkey_patch_zennit()


def uniform_attention_forward(self, query, key, value, need_weights=False, **kwargs):
    """torch 1.13's multi_head_attention_forward for batch-first self-attention, written out, with LXT's divide_gradient on q, k, v."""
    n, t, e = query.shape
    heads, d = self.num_heads, e // self.num_heads
    q, k, v = F.linear(query, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
    q, k, v = divide_gradient(q, 4), divide_gradient(k, 4), divide_gradient(v, 2)
    q, k, v = [z.reshape(n, t, heads, d).transpose(1, 2) for z in (q, k, v)]
    weights = torch.softmax((q / math.sqrt(d)) @ k.transpose(-2, -1), dim=-1)
    attended = (weights @ v).transpose(1, 2).reshape(n, t, e)
    return F.linear(attended, self.out_proj.weight, self.out_proj.bias), None


def explain(conv_gamma, lin_gamma):
    maps, sums = [], []
    for i in range(3):
        composite = LayerMapComposite([(nn.Conv2d, z_rules.Gamma(conv_gamma)), (nn.Linear, z_rules.Gamma(lin_gamma))])
        composite.register(net)
        data = x[i:i + 1].clone().requires_grad_(True)
        y = net(data)
        y[0, targets[i]].backward()
        composite.remove()
        relevance = (data * data.grad).sum(1)[0]
        maps.append(relevance.detach().numpy())
        sums.append(float(relevance.sum()))
    return maps, sums


variants, all_maps = {}, []
for name, conv_gamma, lin_gamma in (('cp-0.25-0.05', 0.25, 0.05), ('cp-100-0', 100.0, 0.0)):
    maps, sums = explain(conv_gamma, lin_gamma)
    variants[name] = {'attention': 'cp', 'convGamma': conv_gamma, 'linearGamma': lin_gamma, 'relevanceSums': sums}
    all_maps.append(maps)
nn.MultiheadAttention.forward = uniform_attention_forward
maps, sums = explain(0.25, 0.05)
variants['attnlrp'] = {'attention': 'attnlrp', 'convGamma': 0.25, 'linearGamma': 0.05, 'relevanceSums': sums}
all_maps.append(maps)
for cls, forward in originals.items(): cls.forward = forward

np.save(os.path.join(out, 'maps.npy'), np.array(all_maps, dtype=np.float32))
with open(os.path.join(out, 'attnlrp.json'), 'w') as f:
    json.dump({'shape': shape, 'targets': targets, 'logits': logits.tolist(), 'variants': variants}, f)
print({k: v['relevanceSums'] for k, v in variants.items()}, 'logits of targets:', [float(logits[i, t]) for i, t in enumerate(targets)])
