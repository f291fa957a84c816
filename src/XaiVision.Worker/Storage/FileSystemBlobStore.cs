namespace XaiVision.Worker.Storage;

/// <summary>
/// The embedded default: containers are folders under a root, blobs are files. Refuses any name that
/// would leave the root (<c>..</c>, absolute paths, symbolic links pointing outside). Create-if-absent
/// uses an exclusive create; overwrites go through a temp file and an atomic rename, so readers never
/// see a partial blob.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    readonly string _root;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    string Resolve(string container, string name)
    {
        if (!BlobNames.IsValidContainer(container)) throw new ArgumentException($"'{container}' is not a valid container name.");
        if (!BlobNames.IsSafePath(name)) throw new ArgumentException($"'{name}' is not a safe blob name.");
        var full = Path.GetFullPath(Path.Combine(_root, container, name));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{container}/{name}' leaves the store's root.");
        // A symbolic link anywhere on the way could lead outside: resolve every existing segment.
        var current = _root;
        foreach (var segment in Path.GetRelativePath(_root, full).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
            {
                var target = info.LinkTarget ?? new DirectoryInfo(current).LinkTarget;
                if (target is not null)
                {
                    var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, target));
                    if (!resolved.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                        throw new ArgumentException($"'{container}/{name}' goes through a link that leaves the store's root.");
                }
            }
        }
        return full;
    }

    public async Task<byte[]?> ReadAsync(string container, string name, CancellationToken cancellationToken = default, long maxBytes = long.MaxValue)
    {
        var path = Resolve(container, name);
        if (!File.Exists(path)) return null;
        BlobTooLargeException.ThrowIfOver(container, name, new FileInfo(path).Length, maxBytes);
        return await File.ReadAllBytesAsync(path, cancellationToken);
    }

    public async Task WriteAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = Resolve(container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<bool> TryCreateAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = Resolve(container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temp, content, cancellationToken);
        try
        {
            // link(2) semantics: fails if the target exists, so exactly one writer wins, and readers see all or nothing.
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return false;
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string container, string prefix, CancellationToken cancellationToken = default)
    {
        if (!BlobNames.IsValidContainer(container)) throw new ArgumentException($"'{container}' is not a valid container name.");
        if (prefix.Length > 0 && !BlobNames.IsSafePath(prefix.TrimEnd('/'))) throw new ArgumentException($"'{prefix}' is not a safe prefix.");
        var root = Path.Combine(_root, container);
        if (!Directory.Exists(root)) return Task.FromResult<IReadOnlyList<string>>([]);
        var names = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    public Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(Resolve(container, name)));

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        File.Delete(Resolve(container, name)); // no error when absent
        return Task.CompletedTask;
    }
}
