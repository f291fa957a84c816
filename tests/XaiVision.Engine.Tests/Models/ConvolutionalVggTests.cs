using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Tests.Models;

/// <summary>VGG's classifier as convolutions: the dense form's numbers on its own input size, a class-score map on larger ones.</summary>
public class ConvolutionalVggTests
{
    static ExplainableModel Vgg(string name, PreprocessMode mode, int seed = 7)
    {
        random.manual_seed(seed);
        return ModelLoader.Load(new ModelSpec(name, null, NumClasses: 10, Preprocess: mode), CPU);
    }

    static double RelativeDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>() / Math.Max(1e-12, a.abs().max().item<float>());

    /// <summary>Slow (VGG16 twice, ~2 GB): the seed's network itself, dense and convolutional, on 224² — logits, Grad-CAM and LRP composite.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Vgg16_conv_form_equals_the_dense_form_on_224()
    {
        using var dense = Vgg("vgg16", PreprocessMode.ResizeCrop);
        using var convolutional = Vgg("vgg16", PreprocessMode.Resize);
        Assert.IsType<ConvolutionalVgg>(convolutional.Network);
        Assert.Equal(224, convolutional.Preprocessing.MinSide);
        random.manual_seed(3);
        using var images = randn(2, 3, 224, 224);
        using (no_grad())
            Assert.True(RelativeDifference(dense.Forward(images), convolutional.Forward(images)) < 1e-5, "logits");
        using var targets = tensor(new long[] { 1, 6 });
        foreach (var method in new[] { "grad-cam", "lrp-composite" })
        {
            var explainer = ExplainerCatalog.Create(method);
            using var a = explainer.Explain(dense, images, targets, 0);
            using var b = explainer.Explain(convolutional, images, targets, 0);
            Assert.True(RelativeDifference(a, b) < 1e-4, $"{method}: {RelativeDifference(a, b)}");
        }

        // 448×448: features 14×14, FC6 as a 7×7 convolution with stride 1 → an 8×8 class-score map; the logits are its mean.
        var network = (ConvolutionalVgg)convolutional.Network;
        using var large = randn(1, 3, 448, 448);
        using (no_grad())
        {
            using var map = network.ScoreMap(large);
            Assert.Equal([1L, 10, 8, 8], map.shape);
            Assert.True(RelativeDifference(map.mean([2, 3]), convolutional.Forward(large)) < 1e-6);
        }
    }

    /// <summary>
    /// A VGG-style net small enough to compute by hand: features = 1×1 conv (weight 2, bias 0) → ReLU → 2×2 max-pool; classifier =
    /// Linear(2·2 → 1) with weights 1, 2, 3, 4 and bias 0.5, built for 4×4 inputs. On an 8×8 input the features are 4×4 and the class
    /// score map is 3×3: each position the dense layer applied to the 2×2 window there.
    /// </summary>
    [Fact]
    public void Class_score_map_of_a_hand_weighted_net_matches_the_hand_computation()
    {
        var conv = Conv2d(1, 1, 1);
        var linear = Linear(4, 1);
        using (no_grad())
        {
            conv.weight!.fill_(2);
            conv.bias!.zero_();
            linear.weight!.copy_(tensor(new float[] { 1, 2, 3, 4 }).view(1, 4));
            linear.bias!.fill_(0.5f);
        }
        using var net = Sequential(("features", Sequential(conv, ReLU(), MaxPool2d(2))), ("classifier", Sequential(linear)));
        using var convolutional = ConvolutionalVgg.From(net, ClassScorePooling.Max);
        Assert.Equal(4, convolutional.MinSide);
        var pixels = Enumerable.Range(0, 64).Select(i => (float)((i * 37 % 17) - 8)).ToArray();
        using var input = tensor(pixels).view(1, 1, 8, 8);
        using var map = convolutional.ScoreMap(input);
        Assert.Equal([1L, 1, 3, 3], map.shape);

        // By hand: pooled[y,x] = max over the 2×2 block of relu(2·pixel); score[i,j] = 0.5 + Σ w[dy,dx] · pooled[i+dy, j+dx].
        double Pooled(int y, int x) => new[] { (0, 0), (0, 1), (1, 0), (1, 1) }.Max(d => Math.Max(0, 2 * pixels[(2 * y + d.Item1) * 8 + 2 * x + d.Item2]));
        double[] w = [1, 2, 3, 4];
        var expected = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                expected[i, j] = 0.5 + w[0] * Pooled(i, j) + w[1] * Pooled(i, j + 1) + w[2] * Pooled(i + 1, j) + w[3] * Pooled(i + 1, j + 1);
        var actual = map.view(9).data<float>().ToArray();
        for (int k = 0; k < 9; k++) Assert.Equal(expected[k / 3, k % 3], actual[k], 4);
        using (no_grad()) Assert.Equal(actual.Max(), convolutional.call(input).item<float>(), 5);
    }

    [Fact]
    public void Conv_form_keeps_the_layer_names_and_the_cam_layers()
    {
        using var dense = Vgg("vgg11", PreprocessMode.ResizeCrop);
        using var convolutional = Vgg("vgg11", PreprocessMode.None);
        Assert.Equal(dense.FeatureMapLayerNames.Where(n => n != "avgpool"), convolutional.FeatureMapLayerNames); // no avgpool in the conv form
        Assert.Contains("classifier.6", convolutional.LayerNames);
        Assert.Contains("score", convolutional.LayerNames);
        var kinds = XaiVision.Engine.Lrp.LayerInfo.Describe(convolutional.Network, "vgg").ToDictionary(l => l.Name, l => l.Kind);
        Assert.Equal(XaiVision.Engine.Lrp.LayerKind.Linear, kinds["classifier.0"]);
        Assert.Equal(XaiVision.Engine.Lrp.LayerKind.Convolution, kinds["features.0"]);
    }

    [Fact]
    public void Whole_images_are_refused_where_the_network_cannot_take_them()
    {
        var vit = Assert.Throws<XaiVisionException>(() => ModelLoader.Load(new ModelSpec("vit_b_16", null, NumClasses: 2, Preprocess: PreprocessMode.Resize), CPU));
        Assert.Contains("resize-crop", vit.Message);
        var small = Assert.Throws<XaiVisionException>(() =>
            ModelLoader.Load(new ModelSpec("vgg11", null, NumClasses: 2, Preprocessing: Preprocessing.ImageNet(128, 128), Preprocess: PreprocessMode.Resize), CPU));
        Assert.Contains("224 px", small.Message);
    }
}
