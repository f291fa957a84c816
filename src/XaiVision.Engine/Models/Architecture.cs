using TorchSharp;
using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>A supported network: how to build it and where its explanations look by default.</summary>
public sealed record Architecture(
    string Name,
    string Family,
    Func<int, nn.Module<Tensor, Tensor>> Create,
    string DefaultCamLayer,
    int DefaultInputSize,
    int DefaultNumClasses);
