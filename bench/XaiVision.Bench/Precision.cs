using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>Reduced-precision switches for the benchmark and the accuracy check against fp32.</summary>
public static class Precision
{
    /// <summary>tf32: TensorFloat-32 in cuDNN convolutions and cuBLAS matmuls (CUDA only; a no-op on the CPU).</summary>
    public static void Apply(string precision)
    {
        bool tf32 = precision == "tf32";
        if (!cuda.is_available()) return;
        backends.cuda.matmul.allow_tf32 = tf32;
        backends.cudnn.allow_tf32 = tf32;
    }

    /// <summary>Runs <paramref name="explain"/> in strict fp32 (TF32 off).</summary>
    public static Tensor Fp32(Func<Tensor> explain)
    {
        Apply("fp32");
        return explain();
    }

    /// <summary>Mean over the batch of the Pearson correlation between each map and its fp32 reference.</summary>
    public static double Correlation(Tensor maps, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var a = maps.to(ScalarType.Float64).flatten(1);
        var b = reference.to(ScalarType.Float64).flatten(1);
        a = a - a.mean([1], keepdim: true);
        b = b - b.mean([1], keepdim: true);
        var r = (a * b).sum(1) / (a.pow(2).sum(1).sqrt() * b.pow(2).sum(1).sqrt()).clamp_min(1e-30);
        return r.mean().cpu().item<double>();
    }
}
