namespace XaiVision.Engine.MetaEvaluation;

/// <summary>
/// One of MetaQuantus's four perturbation tests (Hedström et al. 2023, "The meta-evaluation problem in explainable AI", TMLR,
/// arXiv 2302.07265): the model's weights multiplied by N(1, strength²) noise, or U(−strength, strength) noise added to the inputs
/// (clipped to their range); a minor one (<see cref="Resilience"/>: the verdicts should not move, judged on the images whose
/// prediction it kept) or a disruptive one (the verdicts should get worse, judged on the images whose prediction it changed).
/// </summary>
public sealed record MetaTest(bool OnModel, bool Resilience, double Strength)
{
    public string Name => $"{(OnModel ? "model" : "input")} {(Resilience ? "resilience" : "adversary")}";

    /// <summary>MetaQuantus's settings: model N(1, 0.001²) and N(1, 2²); input U(±0.001) and, ours, U(±2) (model input units).</summary>
    public static IReadOnlyList<MetaTest> Defaults { get; } =
        [new(true, true, 0.001), new(true, false, 2.0), new(false, true, 0.001), new(false, false, 2.0)];
}
