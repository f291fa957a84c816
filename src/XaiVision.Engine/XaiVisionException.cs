namespace XaiVision.Engine;

/// <summary>
/// A problem the user can fix (bad input, bad weights, unknown layer…). The CLI prints its
/// message as one line and exits non-zero; the worker turns it into a per-image error or a
/// rejected job. Anything else is a bug and keeps its stack trace.
/// </summary>
public class XaiVisionException(string message, Exception? inner = null) : Exception(message, inner);
