using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// On y = W·x + b every gradient method has a closed form (∂y_t/∂x = W_t), worked out here with
/// plain loops, independent of the tensor code under test.
/// </summary>
public class ClosedFormTests
{
    static readonly float[] W = Enumerable.Range(0, 24).Select(i => MathF.Sin(i * 1.7f) * (i % 5 - 2)).ToArray();
    static readonly float[] B = [0.3f, -0.2f];
    static readonly float[] X = Enumerable.Range(0, 36).Select(i => MathF.Cos(i * 0.9f) * 1.5f).ToArray(); // 3 images × 3×2×2
    static readonly long[] Targets = [0, 1, 0];

    static float Weight(int target, int c, int pixel) => W[target * 12 + c * 4 + pixel];
    static float Input(int image, int c, int pixel) => X[image * 12 + c * 4 + pixel];

    static float[] Run(string method)
    {
        using var model = TinyNets.Wrap(new TinyNets.LinearNet(W, B));
        using var images = tensor(X).view(3, 3, 2, 2);
        using var targets = tensor(Targets);
        using var map = ExplainerCatalog.Create(method).Explain(model, images, targets, seed: 5);
        Assert.Equal(new long[] { 3, 2, 2 }, map.shape);
        return map.data<float>().ToArray();
    }

    static float[] Expected(Func<int, int, int, float> perChannel, Func<IEnumerable<float>, float> reduce) =>
        Enumerable.Range(0, 3).SelectMany(n => Enumerable.Range(0, 4).Select(p => reduce(Enumerable.Range(0, 3).Select(c => perChannel(n, c, p))))).ToArray();

    static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance);
    }

    [Fact]
    public void Saliency_is_max_abs_weight_over_channels() =>
        AssertClose(Expected((n, c, p) => MathF.Abs(Weight((int)Targets[n], c, p)), v => v.Max()), Run("saliency"));

    [Fact]
    public void Input_x_gradient_is_channel_sum_of_x_times_w() =>
        AssertClose(Expected((n, c, p) => Input(n, c, p) * Weight((int)Targets[n], c, p), v => v.Sum()), Run("input-x-gradient"));

    [Fact]
    public void Integrated_gradients_of_a_linear_model_is_exact_for_any_steps()
    {
        var expected = Expected((n, c, p) => Input(n, c, p) * Weight((int)Targets[n], c, p), v => v.Sum());
        AssertClose(expected, Run("integrated-gradients(steps=3,batch=4)"));
        AssertClose(expected, Run("integrated-gradients(steps=50)"));
    }

    [Fact]
    public void Integrated_gradients_black_baseline_uses_black_pixels_in_normalised_space()
    {
        float[] black = [-0.485f / 0.229f, -0.456f / 0.224f, -0.406f / 0.225f];
        AssertClose(Expected((n, c, p) => (Input(n, c, p) - black[c]) * Weight((int)Targets[n], c, p), v => v.Sum()),
            Run("integrated-gradients(steps=7,baseline=black)"), 1e-4f);
    }

    [Fact]
    public void Smoothgrad_of_a_linear_model_is_the_channel_sum_of_abs_weights() =>
        AssertClose(Expected((n, c, p) => MathF.Abs(Weight((int)Targets[n], c, p)), v => v.Sum()), Run("smoothgrad(samples=5,batch=4)"));
}
