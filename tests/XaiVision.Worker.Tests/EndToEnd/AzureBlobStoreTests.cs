using Microsoft.Extensions.DependencyInjection;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>The Azure store on a real Azurite.</summary>
[Collection(RealServicesCollection.Name)]
public sealed class AzureBlobStoreTests
{
    readonly RealServices _services = new();

    [Fact]
    public async Task Concurrent_first_writes_to_a_new_container_all_land()
    {
        // Found by the load run: writers that raced the container's creation got 404 ContainerNotFound.
        using var host = _services.Host(consumers: false);
        var store = host.Services.GetRequiredService<IBlobStore>();
        var container = "race-" + Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(0, 32).Select(i => store.WriteAsync(container, $"b/{i:D2}", [(byte)i], "application/octet-stream")));
        Assert.Equal(32, (await store.ListAsync(container, "b/")).Count);
    }

    [Fact]
    public async Task A_blob_over_the_size_limit_is_refused_before_its_content_is_read()
    {
        using var host = _services.Host(consumers: false);
        var store = host.Services.GetRequiredService<IBlobStore>();
        var container = "size-" + Guid.NewGuid().ToString("N")[..8];
        await store.WriteAsync(container, "big", new byte[10_000], "application/octet-stream");
        var e = await Assert.ThrowsAsync<BlobTooLargeException>(() => store.ReadAsync(container, "big", maxBytes: 9_999));
        Assert.Contains("10,000 bytes, over the limit of 9,999", e.Message);
        Assert.Equal(10_000, (await store.ReadAsync(container, "big", maxBytes: 10_000))!.Length);
    }

    [Fact]
    public async Task Compare_and_swap_streamed_writes_and_versions_on_Azurite()
    {
        using var host = _services.Host(consumers: false);
        var store = host.Services.GetRequiredService<IBlobStore>();
        var container = "cas-" + Guid.NewGuid().ToString("N")[..8];
        async Task IncrementAsync()
        {
            while (true)
            {
                var current = await store.ReadVersionedAsync(container, "counter");
                int value = current is null ? 0 : int.Parse(System.Text.Encoding.UTF8.GetString(current.Content));
                if (await store.TryReplaceAsync(container, "counter", System.Text.Encoding.UTF8.GetBytes((value + 1).ToString()), "text/plain", current?.ETag)) return;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(IncrementAsync)));
        Assert.Equal("16", System.Text.Encoding.UTF8.GetString((await store.ReadAsync(container, "counter"))!));
        var version = await store.GetETagAsync(container, "counter");
        Assert.Equal(version, (await store.ReadVersionedAsync(container, "counter"))!.ETag);
        Assert.False(await store.TryReplaceAsync(container, "counter", [0], "text/plain", etag: null)); // exists: not created again

        await store.WriteStreamAsync(container, "rows.csv", async stream =>
        {
            for (int i = 0; i < 20_000; i++) await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"row {i:D6}\n"));
        }, "text/csv");
        Assert.Equal(20_000 * 11, (await store.ReadAsync(container, "rows.csv"))!.Length);
        await store.WriteAsync(container, "counter", [9], "text/plain");
        Assert.NotEqual(version, await store.GetETagAsync(container, "counter"));
        Assert.Null(await store.GetETagAsync(container, "none"));
    }

    [Fact]
    public async Task Listing_pages_on_Azurite_gives_the_listing_and_nothing_for_a_missing_container()
    {
        using var host = _services.Host(consumers: false);
        var store = host.Services.GetRequiredService<IBlobStore>();
        var container = "pages-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var name in new[] { "p/a.png", "p/a-b/x.png", "p/a/x.png", "p/b.jpg", "q/c.png" }) await store.WriteAsync(container, name, [1], "image/png");
        var pages = await store.ListPagesAsync(container, "p/").ToListAsync();
        Assert.Equal(await store.ListAsync(container, "p/"), pages.SelectMany(p => p));
        Assert.Equal(4, pages.Sum(p => p.Count));
        Assert.Empty(await store.ListPagesAsync("missing-" + Guid.NewGuid().ToString("N")[..8], "").ToListAsync());
    }
}
