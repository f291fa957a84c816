using XaiVision.Engine.Models;

namespace XaiVision.Engine.Memory;

/// <summary>
/// How many rows one pass of a many-pass method (RISE, occlusion, IG, SmoothGrad, the perturbation metrics) may hold on the host:
/// the method's <c>batch</c>, capped so that the pass's activations (measured per model, scaled by the pixels, doubled for a
/// backward pass) fit in a quarter of the memory this process may use — the machine's, or its container's limit. A CPU allocation
/// past what the host has is not an error libtorch can report: the kernel's OOM killer or a crash inside libtorch ends the process
/// instead, so the cap is kept before the pass. A GPU's allocator fails with an error the batch splitter catches, so the
/// requested batch stands there.
/// </summary>
public static class RowLimit
{
    /// <summary>The activation bytes one pass may hold on the host.</summary>
    public static long HostBytes { get; } = Math.Max(256L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    public static int Rows(ExplainableModel model, int requested, long pixels, bool backward)
    {
        if (model.Device.type != TorchSharp.DeviceType.CPU || requested <= 1) return requested;
        long inputPixels = (long)model.Preprocessing.InputSize * model.Preprocessing.InputSize;
        double perRow = model.ActivationBytesPerImage * (pixels / (double)inputPixels) * (backward ? MemoryBudget.BackwardFactor : 1);
        return (int)Math.Clamp(HostBytes / Math.Max(1, perRow), 1, requested);
    }
}
