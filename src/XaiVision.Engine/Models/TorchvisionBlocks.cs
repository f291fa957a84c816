using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>The pieces torchvision's mobile networks (MobileNetV2/V3, EfficientNet) share, built the way torchvision builds them.</summary>
public static class TorchvisionBlocks
{
    /// <summary>torchvision's <c>Conv2dNormActivation</c>: convolution without bias ("same" padding), BatchNorm, then the activation if any.</summary>
    public static TorchSharp.Modules.Sequential ConvNormActivation(int input, int output, int kernel, int stride, int groups, Module<Tensor, Tensor>? activation,
        double eps = 1e-5, double momentum = 0.1)
    {
        var conv = Conv2d(input, output, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false);
        var norm = BatchNorm2d(output, eps: eps, momentum: momentum);
        return activation is null ? Sequential(conv, norm) : Sequential(conv, norm, activation);
    }

    /// <summary>features → global average pooling → flatten → classifier.</summary>
    public static Tensor PoolAndClassify(Module<Tensor, Tensor> features, Module<Tensor, Tensor> classifier, Tensor x)
    {
        using var f = features.call(x);
        using var pooled = functional.adaptive_avg_pool2d(f, [1, 1]);
        using var flat = pooled.flatten(1);
        return classifier.call(flat);
    }

    /// <summary>An inverted-residual block: block(x), plus x where the block keeps stride and width.</summary>
    public static Tensor Residual(Module<Tensor, Tensor> block, Tensor x, bool residual)
    {
        if (!residual) return block.call(x);
        using var branch = block.call(x);
        return branch + x;
    }
}
