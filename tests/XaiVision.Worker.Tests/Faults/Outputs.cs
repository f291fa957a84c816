namespace XaiVision.Worker.Tests.Faults;

/// <summary>Compares two jobs' outputs blob by blob (job.json differs by the job id only).</summary>
public static class Outputs
{
    public static void AssertSame(Dictionary<string, byte[]> expected, string expectedPrefix, Dictionary<string, byte[]> actual, string actualPrefix)
    {
        var a = expected.Where(kv => !kv.Key.EndsWith("/job.json")).ToDictionary(kv => kv.Key[expectedPrefix.Length..], kv => kv.Value);
        var b = actual.Where(kv => !kv.Key.EndsWith("/job.json")).ToDictionary(kv => kv.Key[actualPrefix.Length..], kv => kv.Value);
        Assert.Equal(a.Keys.Order(), b.Keys.Order()); // nothing missing, nothing extra (no partial or temporary blobs)
        foreach (var (name, bytes) in a) Assert.True(bytes.SequenceEqual(b[name]), $"{name} differs from the clean run{FirstDifference(bytes, b[name])}");
    }

    static string FirstDifference(byte[] expected, byte[] actual)
    {
        var (x, y) = (System.Text.Encoding.UTF8.GetString(expected).Split('\n'), System.Text.Encoding.UTF8.GetString(actual).Split('\n'));
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            if (x[i] != y[i]) return $": line {i + 1}\n  clean:   {x[i]}\n  faulted: {y[i]}";
        return $": {x.Length} vs {y.Length} lines";
    }
}
