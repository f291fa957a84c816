using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Storage;

public class FileSystemBlobStoreTests
{
    static (FileSystemBlobStore Store, string Root) NewStore()
    {
        var root = Directory.CreateTempSubdirectory("xaivision-store-").FullName;
        return (new FileSystemBlobStore(Path.Combine(root, "store")), root);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    public async Task Names_that_leave_the_root_are_refused(string name)
    {
        var (store, root) = NewStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("box", name, [1], "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("box", name));
        Assert.False(File.Exists(Path.Combine(root, "outside.txt")));
    }

    [Fact]
    public async Task Symbolic_links_out_of_the_root_are_refused()
    {
        var (store, root) = NewStore();
        var outside = Directory.CreateDirectory(Path.Combine(root, "secret")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "key.txt"), "secret");
        Directory.CreateDirectory(Path.Combine(root, "store", "box"));
        Directory.CreateSymbolicLink(Path.Combine(root, "store", "box", "link"), outside);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("box", "link/key.txt"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("box", "link/new.txt", [1], "x"));
        Assert.False(File.Exists(Path.Combine(outside, "new.txt")));
    }

    [Fact]
    public async Task Invalid_container_names_are_refused()
    {
        var (store, _) = NewStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("..", "x", [1], "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("Upper", "x", [1], "x"));
    }

    [Fact]
    public async Task Create_if_absent_lets_one_writer_win_and_lists_in_order()
    {
        var (store, _) = NewStore();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.TryCreateAsync("box", "jobs/report.json", [(byte)i], "application/json")));
        Assert.Single(results, r => r);
        Assert.Single((await store.ReadAsync("box", "jobs/report.json"))!);
        await store.WriteAsync("box", "jobs/b.txt", [2], "text/plain");
        await store.WriteAsync("box", "jobs/a.txt", [1], "text/plain");
        await store.WriteAsync("box", "other/c.txt", [3], "text/plain");
        Assert.Equal(["jobs/a.txt", "jobs/b.txt", "jobs/report.json"], await store.ListAsync("box", "jobs/"));
        Assert.Null(await store.ReadAsync("box", "missing"));
        Assert.Empty(await store.ListAsync("nobox", ""));
    }
}
