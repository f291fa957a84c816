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
}
