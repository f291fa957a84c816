namespace XaiVision.Worker.Configuration;

/// <summary>
/// Section <c>Models</c>: which model files a worker will load. TorchScript files are code — loading one runs it — so a worker
/// loads them only with <see cref="AllowTorchScript"/> (off by default; the CLI's <c>explain</c>, run by the file's owner, allows them).
/// </summary>
public sealed class ModelsOptions
{
    public const string Section = "Models";
    public bool AllowTorchScript { get; set; }
}
