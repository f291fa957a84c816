using XaiVision.Engine;

namespace XaiVision.Worker.Cli;

/// <summary>Checks an output folder before any work: it is (or can become) a folder, and a file can be written in it.</summary>
public static class OutputFolder
{
    public static string Prepare(string path)
    {
        if (File.Exists(path)) throw new XaiVisionException($"--out '{path}' is a file, not a folder.");
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".xaivision-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new XaiVisionException($"--out '{path}' cannot be written: {e.Message}");
        }
        return path;
    }
}
