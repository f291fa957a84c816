# Montavon et al.'s LRP tutorial recipe for VGG16 (heatmapping.org/tutorial, the PyTorch tutorial code, kept as written),
# applied to seeded random weights. Writes OUT/vgg16.pth, OUT/input.npy and OUT/map.npy; then
#   dotnet run --project bench/XaiVision.Bench -c Release -- --lrp-tutorial OUT
# prints the correlation of our lrp-composite with it. Debian: apt-get install python3-torch python3-torchvision.
# Usage: /usr/bin/python3 tools/lrp_tutorial_reference.py OUT
import copy, os, sys, numpy, torch, torchvision
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.vgg16(weights=None).eval()
torch.save(model.state_dict(), os.path.join(out, 'vgg16.pth'))
torch.manual_seed(3)
X = torch.randn(1, 3, 224, 224)
numpy.save(os.path.join(out, 'input.npy'), X.numpy().astype(numpy.float32))
mean = torch.Tensor([0.485, 0.456, 0.406]).reshape(1, -1, 1, 1); std = torch.Tensor([0.229, 0.224, 0.225]).reshape(1, -1, 1, 1)

def newlayer(layer, g):
    layer = copy.deepcopy(layer)
    try: layer.weight = torch.nn.Parameter(g(layer.weight))
    except AttributeError: pass
    try: layer.bias = torch.nn.Parameter(g(layer.bias))
    except AttributeError: pass
    return layer

def toconv(layers):
    newlayers = []
    for i, layer in enumerate(layers):
        if isinstance(layer, torch.nn.Linear):
            if i == 0:
                m, n = 512, layer.weight.shape[0]
                newlayer_ = torch.nn.Conv2d(m, n, 7)
                newlayer_.weight = torch.nn.Parameter(layer.weight.reshape(n, m, 7, 7))
            else:
                m, n = layer.weight.shape[1], layer.weight.shape[0]
                newlayer_ = torch.nn.Conv2d(m, n, 1)
                newlayer_.weight = torch.nn.Parameter(layer.weight.reshape(n, m, 1, 1))
            newlayer_.bias = torch.nn.Parameter(layer.bias)
            newlayers += [newlayer_]
        else:
            newlayers += [layer]
    return newlayers

layers = list(model._modules['features']) + toconv(list(model._modules['classifier']))
L = len(layers)
A = [X] + [None] * L
with torch.no_grad():
    for l in range(L): A[l + 1] = layers[l].forward(A[l])
target = int(A[-1].reshape(-1).argmax())
T = torch.FloatTensor((1.0 * (numpy.arange(1000) == target).reshape([1, 1000, 1, 1])))
R = [None] * L + [(A[-1] * T).data]
for l in range(1, L)[::-1]:
    A[l] = (A[l].data).requires_grad_(True)
    if isinstance(layers[l], torch.nn.MaxPool2d): layers[l] = torch.nn.AvgPool2d(2)
    if isinstance(layers[l], torch.nn.Conv2d) or isinstance(layers[l], torch.nn.AvgPool2d):
        if l <= 16: rho = lambda p: p + 0.25 * p.clamp(min=0); incr = lambda z: z + 1e-9
        if 17 <= l <= 30: rho = lambda p: p; incr = lambda z: z + 1e-9 + 0.25 * ((z ** 2).mean() ** .5).data
        if l >= 31: rho = lambda p: p; incr = lambda z: z + 1e-9
        z = incr(newlayer(layers[l], rho).forward(A[l]))
        s = (R[l + 1] / z).data
        (z * s).sum().backward(); c = A[l].grad
        R[l] = (A[l] * c).data
    else:
        R[l] = R[l + 1]
A[0] = (A[0].data).requires_grad_(True)
lb = (A[0].data * 0 + (0 - mean) / std).requires_grad_(True)
hb = (A[0].data * 0 + (1 - mean) / std).requires_grad_(True)
z = layers[0].forward(A[0]) + 1e-9
z -= newlayer(layers[0], lambda p: p.clamp(min=0)).forward(lb)
z -= newlayer(layers[0], lambda p: p.clamp(max=0)).forward(hb)
s = (R[1] / z).data
(z * s).sum().backward(); c, cp, cm = A[0].grad, lb.grad, hb.grad
R0 = (A[0] * c + lb * cp + hb * cm).data
numpy.save(os.path.join(out, 'map.npy'), R0.sum(1)[0].numpy().astype(numpy.float32))
print('target', target, 'sum R', float(R0.sum()), 'logit', float(A[-1].reshape(-1)[target]))
