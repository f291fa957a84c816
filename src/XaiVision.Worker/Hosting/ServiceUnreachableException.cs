using XaiVision.Engine;

namespace XaiVision.Worker.Hosting;

/// <summary>The broker or the store did not answer in time, or a wait ran out: exit code 5, one line.</summary>
public sealed class ServiceUnreachableException(string message) : XaiVisionException(message);
