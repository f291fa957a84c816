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
}
