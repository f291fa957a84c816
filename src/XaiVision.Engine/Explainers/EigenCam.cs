using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Eigen-CAM (Muhammad &amp; Yeasin, IJCNN 2020, arXiv 2008.00299): map = ReLU(first principal component of the activations, per
/// position) — class-agnostic, no gradient (the target does not change it). pytorch-grad-cam's <c>EigenCAM</c>.
/// </summary>
public sealed class EigenCam(MethodSpec spec) : CamExplainer(spec)
{
    public override string Name => "eigen-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) => activations;

    protected override Tensor Combine(Tensor activations, Tensor gradients) => nn.functional.relu(EigenProjection.Of(Weighted(activations, gradients)));
}
