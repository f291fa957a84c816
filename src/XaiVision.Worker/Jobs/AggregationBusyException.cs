namespace XaiVision.Worker.Jobs;

/// <summary>Another worker holds the job's aggregation lease: wait (the definition retries) and take over if its lease runs out.</summary>
public sealed class AggregationBusyException(string message) : Exception(message);
