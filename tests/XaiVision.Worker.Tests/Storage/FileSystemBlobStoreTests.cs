using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Storage;

public class FileSystemBlobStoreTests
{
    static (FileSystemBlobStore Store, string Root) NewStore()
    {
        var root = Directory.CreateTempSubdirectory("xaivision-store-").FullName;
        return (new FileSystemBlobStore(Path.Combine(root, "store")), root);
    }

    [Fact]
    public async Task Every_write_is_a_new_version_however_fast_they_follow()
    {
        var (store, _) = NewStore();
        var seen = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            if (i % 2 == 0) await store.WriteAsync("box", "model.pth", [1, 2, 3], "x"); // same length, same bytes, within one clock tick
            else await store.WriteStreamAsync("box", "model.pth", s => s.WriteAsync(new byte[] { 1, 2, 3 }).AsTask(), "x");
            Assert.True(seen.Add((await store.GetETagAsync("box", "model.pth"))!), $"write {i} kept an earlier version");
        }
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

    /// <summary>The store's folder is hostile input (issue 36): none of these may hang a worker, loop, or pass for an outage.</summary>
    [Fact]
    public async Task Fifos_links_to_nothing_folder_loops_and_links_to_the_root_neither_hang_nor_loop()
    {
        var (store, root) = NewStore();
        var images = Directory.CreateDirectory(Path.Combine(root, "store", "box", "images")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(images, "good.png"), [1, 2, 3]);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(images, "fifo.png")])) await mkfifo.WaitForExitAsync();
        File.CreateSymbolicLink(Path.Combine(images, "dangling.png"), Path.Combine(images, "nowhere.png"));
        Directory.CreateSymbolicLink(Path.Combine(images, "loop"), "..");
        Directory.CreateSymbolicLink(Path.Combine(images, "everything"), "/");
        Directory.CreateSymbolicLink(Path.Combine(root, "store", "box", "inside"), images); // inside the root, still not followed

        var listed = await store.ListAsync("box", "").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["images/dangling.png", "images/fifo.png", "images/good.png"], listed);
        Assert.Equal([1, 2, 3], await store.ReadAsync("box", "images/good.png"));
        // Opening a FIFO blocks until a writer comes: it is never opened, and reads as an empty blob (a per-image error downstream).
        Assert.Empty((await store.ReadAsync("box", "images/fifo.png").WaitAsync(TimeSpan.FromSeconds(30)))!);
        var dangling = await Assert.ThrowsAsync<FileNotFoundException>(() => store.ReadAsync("box", "images/dangling.png"));
        Assert.Equal("'box/images/dangling.png' is a link to a file that does not exist.", dangling.Message);
        Assert.True(GuardedBlobStore.IsInputFault(dangling)); // the input's fault: never retried as an outage
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync("box", "images/everything/"));
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

    [Fact]
    public async Task Compare_and_swap_counts_every_one_of_forty_racing_increments()
    {
        var (store, _) = NewStore();
        async Task IncrementAsync()
        {
            while (true)
            {
                var current = await store.ReadVersionedAsync("box", "counter");
                int value = current is null ? 0 : int.Parse(System.Text.Encoding.UTF8.GetString(current.Content));
                if (await store.TryReplaceAsync("box", "counter", System.Text.Encoding.UTF8.GetBytes((value + 1).ToString()), "text/plain", current?.ETag)) return;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(IncrementAsync)));
        Assert.Equal("40", System.Text.Encoding.UTF8.GetString((await store.ReadAsync("box", "counter"))!));
        Assert.Equal(["counter"], await store.ListAsync("box", "")); // the lock lives outside the container
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_none_means_create_if_absent()
    {
        var (store, _) = NewStore();
        Assert.True(await store.TryReplaceAsync("box", "tally", [1], "x", etag: null));
        Assert.False(await store.TryReplaceAsync("box", "tally", [2], "x", etag: null));
        var first = (await store.ReadVersionedAsync("box", "tally"))!;
        Assert.True(await store.TryReplaceAsync("box", "tally", [2], "x", first.ETag));
        Assert.False(await store.TryReplaceAsync("box", "tally", [3], "x", first.ETag));
        Assert.Equal([2], await store.ReadAsync("box", "tally"));
        Assert.NotNull(await store.GetETagAsync("box", "tally"));
        Assert.Null(await store.GetETagAsync("box", "none"));
    }

    [Fact]
    public async Task Listing_a_prefix_finds_exactly_its_blobs_in_nested_folders_and_partial_names()
    {
        var (store, _) = NewStore();
        foreach (var name in new[] { "job/shards/00000.json", "job/shards/00001.json", "job/shards-x/a", "job/images/a/map.png", "other/shards/00000.json" })
            await store.WriteAsync("box", name, [1], "x");
        Assert.Equal(["job/shards/00000.json", "job/shards/00001.json"], await store.ListAsync("box", "job/shards/"));
        Assert.Equal(["job/shards-x/a", "job/shards/00000.json", "job/shards/00001.json"], await store.ListAsync("box", "job/shards"));
        Assert.Equal(["job/images/a/map.png"], await store.ListAsync("box", "job/images/"));
        Assert.Empty(await store.ListAsync("box", "job/none/"));
    }

    [Fact]
    public async Task A_streamed_write_appears_whole()
    {
        var (store, _) = NewStore();
        await store.WriteStreamAsync("box", "big.csv", async stream =>
        {
            for (int i = 0; i < 1000; i++) await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"{i}\n"));
            Assert.Empty(await store.ListAsync("box", "")); // nothing visible until the stream closes
        }, "text/csv");
        Assert.Equal(1000, System.Text.Encoding.UTF8.GetString((await store.ReadAsync("box", "big.csv"))!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
