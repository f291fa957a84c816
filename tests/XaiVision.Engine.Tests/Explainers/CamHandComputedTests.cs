using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// CamNet: A_k = ReLU(Σ_c U_kc x_c) per pixel, y_t = Σ_k V_tk · mean_ij A_k. So ∂y_t/∂A_k(ij) = V_tk / (h·w)
/// everywhere, and each CAM variant reduces to arithmetic done here by hand.
/// </summary>
public class CamHandComputedTests
{
    static readonly float[] U = [1.0f, -0.5f, 0.25f, -0.3f, 0.8f, 0.6f];
    static readonly float[] V = [0.9f, -0.4f, -0.7f, 1.2f];
    static readonly float[] X = Enumerable.Range(0, 24).Select(i => MathF.Sin(i * 2.3f + 0.4f)).ToArray(); // 2 images × 3×2×2
    static readonly long[] Targets = [0, 1];
    const int Pixels = 4;

    static double A(int n, int k, int p) => Math.Max(0, Enumerable.Range(0, 3).Sum(c => (double)U[k * 3 + c] * X[n * 12 + c * 4 + p]));
    static double G(int n, int k) => V[Targets[n] * 2 + k] / (double)Pixels;

    static float[] Run(string method)
    {
        using var model = TinyNets.Wrap(new TinyNets.CamNet(U, V));
        using var images = tensor(X).view(2, 3, 2, 2);
        using var targets = tensor(Targets);
        using var map = ExplainerCatalog.Create(method).Explain(model, images, targets, 0);
        return map.data<float>().ToArray();
    }

    static float[] Expected(Func<int, int, double> channelWeight) =>
        Enumerable.Range(0, 2).SelectMany(n => Enumerable.Range(0, Pixels).Select(p =>
            (float)Math.Max(0, Enumerable.Range(0, 2).Sum(k => channelWeight(n, k) * A(n, k, p))))).ToArray();

    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Contains(expected, v => v > 0); // the case is not trivially all-zero
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
    }

    [Fact]
    public void Grad_cam_weights_channels_by_mean_gradient() => AssertClose(Expected(G), Run("grad-cam"));

    [Fact]
    public void Grad_cam_plus_plus_follows_the_closed_form()
    {
        AssertClose(Expected((n, k) =>
        {
            double g = G(n, k);
            if (g == 0) return 0;
            double sumA = Enumerable.Range(0, Pixels).Sum(p => A(n, k, p));
            double alpha = g * g / (2 * g * g + sumA * g * g * g + 1e-6);
            return Pixels * alpha * Math.Max(0, g);
        }), Run("grad-cam++"));
    }

    [Fact]
    public void Layer_cam_uses_positive_gradients_elementwise() => AssertClose(Expected((n, k) => Math.Max(0, G(n, k))), Run("layer-cam"));
}
