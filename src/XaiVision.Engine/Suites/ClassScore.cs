namespace XaiVision.Engine.Suites;

/// <summary>A class with its pre-softmax logit and softmax probability.</summary>
public sealed record ClassScore(long Index, string Name, float Logit, float Probability);
