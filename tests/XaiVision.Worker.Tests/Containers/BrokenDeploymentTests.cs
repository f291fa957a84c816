using System.Diagnostics;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Containers;

/// <summary>
/// What the container tests are for: a broken image or compose file must fail them, with the reason in the failure. Each case
/// brings up its own compose project with the broken part, expects the worker to exit before it is ready, and checks that
/// <c>down -v</c> leaves nothing of the project behind.
/// </summary>
[Trait("Category", "Containers")]
public sealed class BrokenDeploymentTests(ITestOutputHelper log)
{
    /// <summary>The worker image with <paramref name="change"/> (Dockerfile lines) applied, tagged xaivision-worker:broken-*.</summary>
    static string BrokenImage(string tag, string change)
    {
        var directory = Directory.CreateTempSubdirectory("xaivision-broken-").FullName;
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), $"FROM {Docker.WorkerImage}\n{change}\n");
        var image = $"xaivision-worker:broken-{tag}";
        Docker.Must("build", "-q", "-t", image, directory);
        return image;
    }

    /// <summary>The repository's compose file with one text replaced (which must be there).</summary>
    static string BrokenComposeFile(string find, string replaceWith)
    {
        var text = File.ReadAllText(ComposeStack.RepositoryFile);
        Assert.Contains(find, text);
        var file = Path.Combine(Directory.CreateTempSubdirectory("xaivision-broken-compose-").FullName, "docker-compose.yml");
        File.WriteAllText(file, text.Replace(find, replaceWith));
        return file;
    }

    async Task AssertCaughtAsync(ComposeStack stack, string because)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var failure = await Assert.ThrowsAsync<ContainerFailedException>(() => stack.UpAsync(workers: 1));
            log.WriteLine($"caught in {clock.Elapsed.TotalSeconds:F0} s: {failure.Message}");
            Assert.Contains(because, failure.Message);
        }
        finally
        {
            Assert.Empty(stack.Down());
        }
    }

    [Fact]
    public Task An_image_without_libtorch_is_caught() =>
        AssertCaughtAsync(new ComposeStack(workerImage: BrokenImage("native", "USER root\nRUN rm /app/libtorch_cpu.so\nUSER 1654")),
            "libtorch could not be loaded");

    [Fact]
    public Task An_image_that_writes_outside_its_volumes_on_a_read_only_root_is_caught() =>
        AssertCaughtAsync(new ComposeStack(workerImage: BrokenImage("writes-app", "ENV Worker__ModelCacheDirectory=/app/models")),
            "Worker:ModelCacheDirectory '/app/models' is not writable");

    [Fact]
    public Task A_compose_file_with_the_wrong_broker_port_is_caught() =>
        AssertCaughtAsync(new ComposeStack(BrokenComposeFile("@rabbitmq:5672/", "@rabbitmq:5673/")), "exited (5)");
}
