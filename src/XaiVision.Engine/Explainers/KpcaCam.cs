using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// KPCA-CAM (Karmani et al. 2024, "KPCA-CAM: visual explainability of deep computer vision models using kernel PCA",
/// arXiv 2410.00267; pytorch-grad-cam <c>KPCA_CAM</c>): Eigen-CAM with kernel PCA — the layer's positions × channels, centred
/// per channel, mapped through a <c>kernel</c> (sigmoid tanh(γ⟨x, y⟩ + 1) by default; rbf exp(−γ‖x − y‖²), poly (γ⟨x, y⟩ + 1)³,
/// linear, cosine; γ = 1/channels unless given), the kernel matrix centred, and every position's score on its leading
/// eigenvector (× √eigenvalue), signed so the vector's largest entry is positive — scikit-learn's <c>KernelPCA(n_components=1)</c>,
/// step for step; then ReLU. Class-agnostic, no gradient. Cost: one (h·w)² kernel and its eigendecomposition per image (cheap at
/// a last layer's 7×7; 3,136² at ResNet's layer1).
/// </summary>
public sealed class KpcaCam : CamExplainer
{
    /// <summary>The most layer positions one image's kernel may have: 4,096² doubles are 128 MiB and their eigendecomposition seconds.</summary>
    public const long MaxPositions = 4096;

    static readonly Dictionary<string, string> Kernels = new()
    {
        ["sigmoid"] = "sigmoid", ["rbf"] = "rbf", ["poly"] = "poly", ["linear"] = "linear", ["cosine"] = "cosine",
    };

    readonly string _kernel;
    readonly double? _gamma;

    public KpcaCam(MethodSpec spec) : base(spec)
    {
        _kernel = spec.Choice("kernel", "sigmoid", Kernels);
        _gamma = spec.String("gamma") is null ? null : spec.Double("gamma", 0, 1e-12, 1e12);
    }

    public override string Name => "kpca-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) => activations;

    protected override Tensor Combine(Tensor activations, Tensor gradients)
    {
        using var scope = NewDisposeScope();
        var (n, k, h, w) = (activations.shape[0], activations.shape[1], activations.shape[2], activations.shape[3]);
        if (h * w > MaxPositions)
            throw new XaiVisionException($"kpca-cam builds a kernel over every pair of the layer's positions: {h}×{w} = {h * w:N0} is more than " +
                $"{MaxPositions:N0} ({h * w * h * w * 8 / (1 << 20):N0} MiB and minutes per image); choose a deeper layer or a smaller input.");
        var x = nan_to_num(activations.to(ScalarType.Float64), 0).reshape(n, k, h * w).transpose(1, 2); // [N, hw, K]
        x = x - x.mean([1], keepdim: true);
        double gamma = _gamma ?? 1.0 / k;
        var gram = x.bmm(x.transpose(1, 2));
        var kernel = _kernel switch
        {
            "linear" => gram,
            "poly" => (gamma * gram + 1).pow(3),
            "sigmoid" => (gamma * gram + 1).tanh(),
            "rbf" => (-gamma * (x.square().sum([2]).unsqueeze(2) + x.square().sum([2]).unsqueeze(1) - 2 * gram).clamp_min(0)).exp(),
            _ => Cosine(x),
        };
        var centred = kernel - kernel.mean([1], keepdim: true) - kernel.mean([2], keepdim: true) + kernel.mean([1, 2], keepdim: true);
        var (values, vectors) = linalg.eigh(centred);
        var top = vectors[.., .., -1]; // [N, hw]: eigh sorts ascending
        var largest = top.abs().argmax(1, keepdim: true);
        var sign = top.gather(1, largest).sign();
        var projection = top * where(sign == 0, ones_like(sign), sign) * values[.., -1].clamp_min(0).sqrt().unsqueeze(1);
        return nn.functional.relu(projection.view(n, h, w)).to(activations.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>scikit-learn's cosine kernel: the rows normalised (a zero row stays zero), then their inner products.</summary>
    static Tensor Cosine(Tensor x)
    {
        var norms = x.square().sum([2], keepdim: true).sqrt();
        var unit = x / where(norms == 0, ones_like(norms), norms);
        return unit.bmm(unit.transpose(1, 2));
    }
}
