namespace XaiVision.Engine.Pipeline;

/// <summary>Images finished (explained or failed) out of the total.</summary>
public readonly record struct ExplainProgress(int Done, int Total, int Failed);
