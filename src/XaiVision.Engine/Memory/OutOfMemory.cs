namespace XaiVision.Engine.Memory;

/// <summary>Recognises an allocation failure from LibTorch (CUDA or CPU allocator), .NET, or a <see cref="MemoryBudget"/>.</summary>
public static class OutOfMemory
{
    public static bool Is(Exception e) => e switch
    {
        BatchOverBudgetException or OutOfMemoryException => true,
        // LibTorch: "CUDA out of memory", "DefaultCPUAllocator: not enough memory", "… can't allocate memory"
        System.Runtime.InteropServices.ExternalException x => x.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || x.Message.Contains("not enough memory", StringComparison.OrdinalIgnoreCase)
            || x.Message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase),
        _ => e.InnerException is { } inner && Is(inner),
    };
}

/// <summary>A batch's estimated memory exceeds the configured budget: treated exactly like a device out-of-memory.</summary>
public sealed class BatchOverBudgetException(string message) : Exception(message);
