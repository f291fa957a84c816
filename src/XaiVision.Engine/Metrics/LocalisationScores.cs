namespace XaiVision.Engine.Metrics;

/// <summary>Localisation of one map against one ground-truth mask (true = object pixel).</summary>
public sealed record LocalisationScores(bool PointingHit, double RelevanceMass, double RelevanceRank, double OutsideFraction);
