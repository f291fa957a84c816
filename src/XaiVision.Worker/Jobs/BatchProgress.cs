namespace XaiVision.Worker.Jobs;

/// <summary>Images finished (explained or failed) out of the total.</summary>
public readonly record struct BatchProgress(int Done, int Total, int Failed);
