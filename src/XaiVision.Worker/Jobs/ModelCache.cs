using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Loads each model once per worker, keyed by the versions (ETags) of its weights and labels blobs plus the architecture and input
/// conventions: a shard costs one HEAD per file, and a blob that changed (a new ETag) is loaded afresh — no download, no hashing of
/// hundreds of megabytes per shard. Fetches are not retried here: the store's one retry layer and circuit breaker
/// (<see cref="GuardedBlobStore"/>) cover them. One shard uses a model at a time (explainers attach hooks to it). Versions replaced
/// by a newer blob stay loaded until the worker restarts (a shard may still hold them).
/// </summary>
public sealed class ModelCache(IBlobStore store, IOptions<WorkerOptions> options, IOptions<ModelsOptions> models, ILogger<ModelCache> log) : IDisposable
{
    readonly ConcurrentDictionary<string, Lazy<Task<LoadedModel>>> _models = new();

    public async Task<LoadedModel> GetAsync(ModelSource source, CancellationToken ct)
    {
        var weights = source.Weights is null ? null : await VersionAsync(source.Weights, ct);
        var labels = source.Labels is null ? null : await VersionAsync(source.Labels, ct);
        var key = Key(source, weights, labels);
        var lazy = _models.GetOrAdd(key, k => new Lazy<Task<LoadedModel>>(() => Task.Run(() => LoadAsync(source, k), CancellationToken.None)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _models.TryRemove(key, out _); // a failed load is not cached
            throw;
        }
    }

    async Task<string> VersionAsync(string reference, CancellationToken ct)
    {
        var (container, name) = BlobNames.Split(reference);
        return await store.GetETagAsync(container, name, ct) ?? throw new XaiVisionException($"Model file '{reference}' does not exist.");
    }

    async Task<byte[]> FetchAsync(string reference, CancellationToken ct)
    {
        var (container, name) = BlobNames.Split(reference);
        return await store.ReadAsync(container, name, ct) ?? throw new XaiVisionException($"Model file '{reference}' does not exist.");
    }

    async Task<LoadedModel> LoadAsync(ModelSource source, string key)
    {
        var weights = source.Weights is null ? null : await FetchAsync(source.Weights, CancellationToken.None);
        var labels = source.Labels is null ? null : await FetchAsync(source.Labels, CancellationToken.None);
        return Load(source, weights, labels, key);
    }

    LoadedModel Load(ModelSource source, byte[]? weights, byte[]? labels, string hash)
    {
        var directory = Path.Combine(options.Value.ModelCacheDirectory, hash);
        Directory.CreateDirectory(directory);
        string? weightsPath = null, labelsPath = null;
        if (weights is not null)
        {
            weightsPath = Path.Combine(directory, "weights" + Path.GetExtension(source.Weights));
            File.WriteAllBytes(weightsPath, weights);
        }
        if (labels is not null)
        {
            labelsPath = Path.Combine(directory, "labels.txt");
            File.WriteAllBytes(labelsPath, labels);
        }
        var device = TorchRuntime.ResolveDevice(source.Device ?? options.Value.Device, options.Value.LibTorchDir);
        ExplainableModel model;
        try
        {
            model = ModelLoader.Load(JobCompiler.ModelSpecFor(source, weightsPath, labelsPath, models.Value.AllowTorchScript, options.Value.MaxInputSize), device);
        }
        catch (XaiVisionException e)
        {
            // Say which blob, not which cache file.
            var message = e.Message;
            if (weightsPath is not null) message = message.Replace(weightsPath, source.Weights);
            if (labelsPath is not null) message = message.Replace(labelsPath, source.Labels);
            if (source.Weights is not null && !message.Contains(source.Weights)) message = $"Model '{source.Weights}': {message}";
            throw new XaiVisionException(message, e);
        }
        log.LogInformation("Loaded model {Model} ({Hash}) on {Device}", model.Description, hash[..12], device);
        return new LoadedModel(model, new SemaphoreSlim(1, 1), hash);
    }

    static string Key(ModelSource source, string? weightsVersion, string? labelsVersion) => Convert.ToHexStringLower(SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes($"{System.Text.Json.JsonSerializer.Serialize(source)}\n{weightsVersion}\n{labelsVersion}")));

    public void Dispose()
    {
        // A batch abandoned at its time limit may still be running on a model: wait for it (bounded) rather than free memory under it.
        foreach (var lazy in _models.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result is var cached && cached.Gate.Wait(TimeSpan.FromSeconds(60)))
                cached.Model.Dispose();
    }
}
