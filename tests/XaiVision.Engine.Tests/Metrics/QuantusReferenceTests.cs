using System.Text.Json;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>
/// The map-only metrics against Quantus 0.6 itself: <c>tools/quantus_reference.py</c> ran Quantus's own classes on seeded signed,
/// sparse, tied, mostly negative and one-pixel maps with disc and box masks (32×32) and kept the values in
/// <c>fixtures/quantus/map_only.json</c>; every one must agree to 1e-4. Except where top-k-intersection's cut at k falls inside a run
/// of equal values: Quantus's answer there is whichever order numpy's unstable argsort left the run in, ours the mean over the
/// run (see <see cref="TopKIntersection"/>); those cases are counted, and must be the minority.
/// </summary>
public class QuantusReferenceTests
{
    sealed record Case(string Name, float[] Map, string Mask, Dictionary<string, double?> Values);
    sealed record Reference(string Quantus, int Side, List<Case> Cases);

    static readonly Reference Fixture = JsonSerializer.Deserialize<Reference>(File.ReadAllText(Fixtures.Path("quantus", "map_only.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> Metrics() => new(Fixture.Cases[0].Values.Keys);

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Every_case_agrees_with_quantus(string metric)
    {
        Assert.Equal("0.6.0", Fixture.Quantus);
        var created = MetricCatalog.Create(MethodSpec.Parse(metric));
        var output = Assert.Single(created.Outputs).Key;
        int compared = 0;
        foreach (var c in Fixture.Cases)
        {
            if (created is TopKIntersection && TiedAtCut(c.Map, MethodSpec.Parse(metric).Int("k", 1000, 1, int.MaxValue))) continue;
            compared++;
            using var scope = NewDisposeScope();
            var mask = c.Mask.Select(ch => ch == '1').ToArray();
            var context = new MetricContext(null!, null!, empty(0), empty(0), tensor(c.Map).view(1, Fixture.Side, Fixture.Side), [mask], 0);
            var ours = created.Evaluate(context)[0].Values.TryGetValue(output, out var v) ? v : (double?)null;
            var expected = c.Values[metric];
            if (expected is null) Assert.True(ours is null, $"{c.Name}: Quantus has no score, ours is {ours}");
            else Assert.True(ours is { } o && Math.Abs(o - expected.Value) <= 1e-4, $"{metric} on {c.Name}: ours {ours}, Quantus {expected}");
        }
        Assert.True(compared * 2 > Fixture.Cases.Count || created is TopKIntersection && compared >= 3, $"{compared} of {Fixture.Cases.Count} cases compared");
    }

    static bool TiedAtCut(float[] map, int k)
    {
        var sorted = map.OrderDescending().ToArray();
        return k < sorted.Length && sorted[k - 1] == sorted[k];
    }
}
