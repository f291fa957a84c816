using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>A storage reference from a PyTorch pickle (persistent id): element type, key, element count.</summary>
public sealed record PickledStorage(ScalarType DType, string Key, long Count);

/// <summary>What <c>torch._utils._rebuild_tensor_v2</c> would have built: a strided view of a storage.</summary>
public sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Shape, long[] Stride);
