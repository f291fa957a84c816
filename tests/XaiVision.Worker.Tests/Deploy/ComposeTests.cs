namespace XaiVision.Worker.Tests.Deploy;

/// <summary>docker-compose.yml read by a real compose implementation: Debian's docker-compose 1.29 parses it offline (no engine).</summary>
public class ComposeTests
{
    static ChartTools.Result Config(string directory) => ChartTools.Run("docker-compose", ["--project-directory", directory, "-f", Path.Combine(directory, "docker-compose.yml"), "config"]);

    [Fact]
    public void Compose_file_is_valid_and_resolves_as_written()
    {
        var result = Config(ChartTools.Root);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("condition: service_healthy", result.Output);
        Assert.Contains("mcr.microsoft.com/azure-storage/azurite:3.35.0", result.Output);
    }

    [Fact]
    public void A_broken_compose_file_is_refused()
    {
        var copy = Directory.CreateTempSubdirectory("xaivision-compose-").FullName;
        var text = File.ReadAllText(Path.Combine(ChartTools.Root, "docker-compose.yml"));
        const string dependency = "      rabbitmq: { condition: service_healthy }";
        Assert.Contains(dependency, text);
        File.WriteAllText(Path.Combine(copy, "docker-compose.yml"), text.Replace(dependency, "      rabbit: { condition: service_healthy }"));
        var result = Config(copy);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("rabbit", result.Error);
    }
}
