using System.Runtime.CompilerServices;

namespace XaiVision.Engine.Tests.Support;

/// <summary>
/// With <c>XAIVISION_GC_HAMMER=1</c>, a background thread collects and runs finalizers back to back for the whole test run:
/// what an unlucky GC can do to a tensor or scalar that native code is still reading, made likely instead of rare (it found
/// TorchSharp's finalizer race: <c>XaiVision.TorchGuard.FinalizerQuarantine</c>). A diagnostic, off by default.
/// </summary>
static class GcHammer
{
    [ModuleInitializer]
    internal static void Start()
    {
        if (Environment.GetEnvironmentVariable("XAIVISION_GC_HAMMER") != "1") return;
        new Thread(() =>
        {
            while (true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true, Name = "gc-hammer" }.Start();
    }
}
