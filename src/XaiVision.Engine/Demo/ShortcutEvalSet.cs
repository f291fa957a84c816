namespace XaiVision.Engine.Demo;

/// <summary>
/// The shortcut demo's evaluation set: <see cref="PerClass"/> pictures of every class, about 60 % carrying the class's tag in the
/// top-left corner (as in the shortcut model's training) and 40 % clean — the planted truth strategy analysis should recover.
/// Seeded: the same pictures every time.
/// </summary>
public static class ShortcutEvalSet
{
    public const int PerClass = 40, Seed = 2026;
    public const double TaggedShare = 0.6;

    /// <summary>(file name, sample) in class order; names say class, index and whether tagged.</summary>
    public static IEnumerable<(string Name, ShapeSample Sample)> Generate(int perClass = PerClass)
    {
        var generator = new ShapesGenerator(spuriousTagProbability: TaggedShare);
        foreach (var kind in Enum.GetValues<ShapeKind>())
        {
            var random = new Random(Seed * 31 + (int)kind);
            for (int i = 0; i < perClass; i++)
            {
                var sample = generator.Generate(random, kind);
                yield return ($"{(int)kind}_{kind.ToString().ToLowerInvariant()}_{i:D3}{(sample.Tagged ? "_tag" : "")}.png", sample);
            }
        }
    }
}
