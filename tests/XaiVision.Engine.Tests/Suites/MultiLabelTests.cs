using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Suites;

/// <summary>
/// A multi-label model (sigmoid head) with the <c>positive</c> target: every label whose σ(logit) reaches the threshold gets a
/// map, most probable first; an image with none gets none. The demo net read through a sigmoid gives several positive labels
/// for some images and none for others at a high threshold.
/// </summary>
public class MultiLabelTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    static ExplainableModel Sigmoid() => ModelLoader.Load(DemoAssets.ModelSpec with { Head = OutputHead.Sigmoid }, CPU);

    List<SuiteInput> Inputs(int count) =>
        SuiteInputs.Of(demo.Images.Take(count).Select(p => ImageDecoder.DecodeFile(p)).ToList(), demo.Masks.Take(count).Cast<bool[]?>().ToList());

    static SuiteRun Spec(string methods, string target, string perturbations = "", string metrics = "") =>
        new(ExplainerCatalog.CreateList(methods), TargetSelection.Parse(target), 3, PerturbationCatalog.CreateList(perturbations), MetricCatalog.CreateList(metrics));

    /// <summary>σ(logits) of the demo images, computed here by hand from the model's own logits.</summary>
    static float[][] SigmoidProbabilities(ExplainableModel model, IReadOnlyList<SuiteInput> inputs)
    {
        using var _ = no_grad();
        using var batch = ImagePreparer.ToBatch(inputs.Select(i => i.View).ToList(), model.Preprocessing);
        using var logits = model.Forward(batch);
        var flat = logits.data<float>().ToArray();
        int classes = (int)logits.shape[1];
        return Enumerable.Range(0, inputs.Count).Select(i => flat.Skip(i * classes).Take(classes).Select(l => 1f / (1f + MathF.Exp(-l))).ToArray()).ToArray();
    }

    [Fact]
    public void Each_image_gets_a_map_per_positive_label_most_probable_first_and_none_without_one()
    {
        using var model = Sigmoid();
        var inputs = Inputs(8);
        var probabilities = SigmoidProbabilities(model, inputs);
        // A threshold that leaves some images without a label and gives others several (checked, so the test means something).
        const double threshold = 0.999;
        var expected = probabilities.Select(p => Enumerable.Range(0, p.Length).Where(c => p[c] >= threshold).OrderByDescending(c => p[c]).Select(c => (long)c).ToArray()).ToArray();
        Assert.Contains(expected, e => e.Length == 0);
        Assert.Contains(expected, e => e.Length >= 2);

        var batch = new SuiteRunner(model, Spec("grad-cam,saliency,center", $"positive:{threshold}", "noise(sigma=0.05)", "deletion(steps=4)")).Run(inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            var image = batch.Images[i];
            Assert.Equal(5, image.Top5.Count);
            Assert.Equal(probabilities[i].Max(), image.Top5[0].Probability, 4); // the prediction's probability is σ(logit), not softmax
            foreach (var method in new[] { "grad-cam", "saliency", "center" })
            {
                var maps = image.Maps.Where(m => m.Method == method).ToList();
                Assert.Equal(expected[i], maps.Select(m => m.Target.Index));
                Assert.All(maps, m => Assert.Equal(expected[i].Length, m.TargetCount));
                Assert.All(maps, m => Assert.Contains("deletion", m.Metrics.Keys));
                Assert.All(maps, m => Assert.Single(m.Perturbed));
            }
        }
    }

    [Fact]
    public void A_positive_label_map_is_that_class_map()
    {
        using var model = Sigmoid();
        var inputs = Inputs(4);
        var positive = new SuiteRunner(model, Spec("grad-cam,input-x-gradient", "positive:0.5")).Run(inputs);
        foreach (var (image, input) in positive.Images.Zip(inputs))
            foreach (var map in image.Maps)
            {
                var alone = new SuiteRunner(model, Spec(map.Method, $"class:{map.Target.Index}")).Run([input]).Images[0].Maps.Single();
                float scale = alone.Map.Max(MathF.Abs);
                Assert.True(scale > 0);
                Assert.All(alone.Map.Zip(map.Map), pair => Assert.Equal(pair.First, pair.Second, 1e-5 * scale)); // batch order's float rounding only
            }
    }

    [Fact]
    public void A_batch_without_any_positive_label_keeps_its_predictions_and_explains_nothing()
    {
        // Untrained weights: logits near 0, every σ near ½, so no label reaches 0.9.
        using var model = TinyNets.RandomDemo(head: OutputHead.Sigmoid);
        var inputs = Inputs(3);
        var batch = new SuiteRunner(model, Spec("grad-cam,occlusion", "positive:0.9") with { LayerSweep = true }).Run(inputs);
        Assert.All(batch.Images, image => Assert.Empty(image.Maps));
        Assert.All(batch.Images, image => Assert.Equal(5, image.Top5.Count));
        Assert.All(batch.Images, image => Assert.NotNull(image.Sweep)); // the sweep explains the top class of an image without a label
    }

    [Fact]
    public void Metrics_and_rise_read_the_sigmoid_probability()
    {
        using var model = Sigmoid();
        using var images = ImagePreparer.ToBatch(Inputs(2).Select(i => i.View).ToList(), model.Preprocessing);
        using var logits = model.Forward(images);
        using var probabilities = model.Probabilities(logits);
        using var expected = logits.sigmoid();
        Assert.True(probabilities.allclose(expected));
        Assert.False(probabilities.sum(1).allclose(ones(2))); // not a softmax
        Assert.Equal("sigmoid probability", ExplainerCatalog.Create("rise").Describe(model)["score"]);
    }

    [Fact]
    public void The_threshold_is_a_probability_and_a_sigmoid_model_refuses_contrast()
    {
        Assert.Equal(0.3, TargetSelection.Parse("positive:0.3").Threshold);
        Assert.Equal("positive", TargetSelection.Parse("positive").ToString());
        Assert.Contains("between 0 and 1", Assert.Throws<XaiVisionException>(() => TargetSelection.Parse("positive:1.5")).Message);
        Assert.Contains("between 0 and 1", Assert.Throws<XaiVisionException>(() => TargetSelection.Parse("positive:x")).Message);
        using var model = Sigmoid();
        Assert.Contains("softmax head", Assert.Throws<XaiVisionException>(() => model.Contrasted(1)).Message);
        Assert.Contains("multi-label", model.Description);
    }
}
