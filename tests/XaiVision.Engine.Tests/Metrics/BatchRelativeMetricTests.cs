using XaiVision.Engine.Metrics;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>
/// Sufficiency and consistency by hand (their values equal to Quantus's: QuantusReferenceTests): two pairs of near maps whose
/// corners are zero in every image — Quantus's zero variance there would make every distance NaN and every score 0.
/// </summary>
public sealed class BatchRelativeMetricTests
{
    [Fact]
    public void Near_maps_count_by_their_predictions_even_with_pixels_equal_across_the_batch()
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo(5);
        var images = randn([4, 3, 64, 64], generator: new Generator(8));
        var predicted = model.Forward(images).argmax(1).data<long>().ToArray();
        var (a, b) = (rand([64, 64], generator: new Generator(1)), rand([64, 64], generator: new Generator(2)) + 1);
        var maps = stack([a, a + 0.01, b, b - 0.01]);
        maps[.., ..8, ..8] = 0; // a corner no map lights: zero variance
        var context = new MetricContext(model, ExplainerCatalog.Create("saliency"), images, tensor(predicted), maps, [], 0);
        var sufficiency = new Sufficiency(0.6).Evaluate(context).Select(r => r.Values["sufficiency"]).ToArray();
        double[] expected = [predicted[0] == predicted[1] ? 1 : 0, predicted[0] == predicted[1] ? 1 : 0, predicted[2] == predicted[3] ? 1 : 0, predicted[2] == predicted[3] ? 1 : 0];
        Assert.Equal(expected, sufficiency);
        // The strongest of 16 cells: a's pair shares one label and b's another (b = a different map plus one everywhere).
        var consistency = new Consistency(1, 4).Evaluate(context).Select(r => r.Values["consistency"]).ToArray();
        Assert.Equal(expected, consistency);
    }

    [Fact]
    public void Focus_pairs_each_image_with_its_class_and_rotates_the_class_quadrants()
    {
        long[] targets = [7, 3, 7, 3, 5, 7];
        var plan = Focus.Plan(targets);
        Assert.Equal([0, 2, 1, 3], plan[0]!.Value.Images); // its class at (0, 1): itself and image 2; then the next two of others
        Assert.Equal([true, true, false, false], plan[0]!.Value.OfClass);
        Assert.Equal([2, 3, 4, 5], plan[2]!.Value.Images); // image 2: its class at the third layout, (0, 3), with image 5
        Assert.Equal([true, false, false, true], plan[2]!.Value.OfClass);
        Assert.Null(plan[4]); // class 5 has no partner
        // A map that is all on the top row scores by what its layout puts there: 1 for (0, 1), 0.5 for (0, 2).
        var top = Enumerable.Range(0, 16).Select(i => i < 8 ? 1f : 0f).ToArray();
        Assert.Equal(1, Focus.Score(top, 4, 4, [true, true, false, false]), 6);
        Assert.Equal(0.5, Focus.Score(top, 4, 4, [true, false, true, false]), 6);
    }
}
