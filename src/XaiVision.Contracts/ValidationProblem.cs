namespace XaiVision.Contracts;

/// <summary>One thing wrong with a job spec: the field path (e.g. <c>suite.explainers[1]</c>) and what.</summary>
public sealed record ValidationProblem(string Path, string Message);
