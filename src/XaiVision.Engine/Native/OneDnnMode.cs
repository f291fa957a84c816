namespace XaiVision.Engine.Native;

/// <summary>When libtorch may use oneDNN (<see cref="LibTorchSettings"/>).</summary>
public enum OneDnnMode
{
    /// <summary>Throughout: the default where the CPU lists its caches.</summary>
    On,

    /// <summary>Never: the default where the CPU hides its caches — deterministic, slower.</summary>
    Off,

    /// <summary>
    /// Off only while gradients are taken (opt-in, <c>XAIVISION_ONEDNN=backward</c>): faster where caches are hidden, but the flag
    /// is process-wide, so a forward running beside another thread's backward uses ATen's kernels and may differ in the 7th digit.
    /// </summary>
    OffInBackward,
}
