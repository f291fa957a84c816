using XaiVision.Engine.Metrics;

namespace XaiVision.Engine.Tests.Metrics;

public class LocalisationTests
{
    // 4×4 image, mask = the 2×2 top-left block
    static readonly bool[] Mask = [true, true, false, false, true, true, false, false, false, false, false, false, false, false, false, false];

    [Fact]
    public void A_perfect_map_scores_best_everywhere()
    {
        var map = Mask.Select(m => m ? 1f : 0f).ToArray();
        var s = Localisation.Score(map, Mask, 4);
        Assert.True(s.PointingHit);
        Assert.Equal(1, s.RelevanceMass);
        Assert.Equal(1, s.RelevanceRank);
        Assert.Equal(0, s.OutsideFraction);
    }

    [Fact]
    public void Worked_example()
    {
        // positive relevance: inside 1+2 = 3, outside 4 + 1 = 5 (negatives ignored); peak (4) outside at (3,3)
        float[] map = [1, 2, 0, 0, -3, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4];
        var s = Localisation.Score(map, Mask, 4);
        Assert.False(s.PointingHit);
        Assert.Equal(3.0 / 8, s.RelevanceMass, 12);
        Assert.Equal(5.0 / 8, s.OutsideFraction, 12);
        // top 4 pixels: 4 (out), 2 (in), 1 (in, index 0), 1 (out, index 11) → 2/4
        Assert.Equal(0.5, s.RelevanceRank, 12);
        // the peak at (3,3) is √8 ≈ 2.83 px from the mask's corner (1,1): tolerance 3 counts it
        Assert.False(Localisation.Score(map, Mask, 4, tolerance: 2).PointingHit);
        Assert.True(Localisation.Score(map, Mask, 4, tolerance: 3).PointingHit);
    }

    [Fact]
    public void A_random_map_scores_near_chance()
    {
        var random = new Random(3);
        int size = 64;
        var mask = Enumerable.Range(0, size * size).Select(i => i % size < 16 && i / size < 32).ToArray(); // 1/8 of the image
        double mass = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var map = Enumerable.Range(0, size * size).Select(_ => (float)random.NextDouble()).ToArray();
            mass += Localisation.Score(map, mask, size).RelevanceMass;
        }
        Assert.Equal(0.125, mass / 20, 2);
    }

    [Fact]
    public void Directions_are_declared()
    {
        Assert.Equal(MetricDirection.HigherIsBetter, Localisation.Directions["relevance-mass"]);
        Assert.Equal(MetricDirection.LowerIsBetter, Localisation.Directions["outside-fraction"]);
        Assert.Throws<XaiVisionException>(() => Localisation.Score([1f], [false], 1));
    }
}
