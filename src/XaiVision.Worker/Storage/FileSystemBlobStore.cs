namespace XaiVision.Worker.Storage;

/// <summary>
/// The embedded default: containers are folders under a root, blobs are files. Refuses any name that
/// would leave the root (<c>..</c>, absolute paths, symbolic links pointing outside). Create-if-absent
/// uses an exclusive create; overwrites go through a temp file and an atomic rename, so readers never
/// see a partial blob. The folder is hostile input: a listing never follows a folder link (no loops, no walks out of the root),
/// a FIFO, socket or device reads as empty without being opened (opening a FIFO blocks until a writer comes), and a link to
/// nothing is the input's fault (<see cref="FileNotFoundException"/>), never an outage.
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
        return InsideRoot(Path.GetFullPath(Path.Combine(_root, container, name)), $"{container}/{name}");
    }

    /// <summary>The path, refused when it or a symbolic link anywhere on the way to it leads out of the root.</summary>
    string InsideRoot(string full, string what)
    {
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{what}' leaves the store's root.");
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
                        throw new ArgumentException($"'{what}' goes through a link that leaves the store's root.");
                }
            }
        }
        return full;
    }

    public Task<byte[]?> ReadAsync(string container, string name, CancellationToken cancellationToken = default, long maxBytes = long.MaxValue) =>
        ReadFileAsync(Resolve(container, name), container, name, maxBytes, cancellationToken);

    /// <summary>
    /// A blob's bytes; null when there is no file. Only a regular file is opened: a FIFO, socket or device has a stat size of 0 and
    /// reads as empty (what an empty file reads as), and a link to nothing throws <see cref="FileNotFoundException"/> naming the blob.
    /// </summary>
    static async Task<byte[]?> ReadFileAsync(string path, string container, string name, long maxBytes, CancellationToken ct)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true })
            throw new FileNotFoundException($"'{container}/{name}' is a link to a file that does not exist.");
        if (!info.Exists) return null;
        if (info.Length == 0) return [];
        BlobTooLargeException.ThrowIfOver(container, name, info.Length, maxBytes);
        return await File.ReadAllBytesAsync(path, ct);
    }

    public async Task WriteAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = Resolve(container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, content, cancellationToken);
            LaterThan(path, temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // gone after the move; left only by a failed write (a full disk keeps no half file)
        }
    }

    /// <summary>
    /// Gives the new file a write time after the one it replaces, so <see cref="GetETagAsync"/> changes on every write even when both
    /// fall in one tick of the file system's clock (seen: a model rewritten within milliseconds kept its version).
    /// </summary>
    static void LaterThan(string path, string temp)
    {
        if (!File.Exists(path)) return;
        var previous = File.GetLastWriteTimeUtc(path);
        if (File.GetLastWriteTimeUtc(temp) <= previous) File.SetLastWriteTimeUtc(temp, previous.AddMicroseconds(1));
    }

    public async Task WriteStreamAsync(string container, string name, Func<Stream, Task> write, string contentType, CancellationToken cancellationToken = default)
    {
        var path = Resolve(container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await write(file);
            LaterThan(path, temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // gone after the move; left only by a failed write
        }
    }

    /// <summary>
    /// The existence check and the rename happen under the folder's lock: <c>File.Move</c> without overwrite was seen to let two of eight
    /// racing creators win under load (it may fall back from <c>link(2)</c> to a check-then-rename), which a commit point cannot afford.
    /// </summary>
    public async Task<bool> TryCreateAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = Resolve(container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, content, cancellationToken);
            using var held = await LockAsync(FolderLock(path), cancellationToken);
            if (File.Exists(path)) return false;
            File.Move(temp, path, overwrite: false);
            return true;
        }
        finally
        {
            File.Delete(temp); // gone after the move; left only by a failed write
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string container, string prefix, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var page in ListPagesAsync(container, prefix, cancellationToken)) names.AddRange(page);
        return names;
    }

    /// <summary>
    /// A depth-first walk of the prefix's folder, each folder's entries sorted with a folder counting as its name plus '/', which gives
    /// exactly the ordinal order of the full names; pages of <see cref="PageSize"/>. Memory: one folder's entries at a time.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<string>> ListPagesAsync(string container, string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!BlobNames.IsValidContainer(container)) throw new ArgumentException($"'{container}' is not a valid container name.");
        if (prefix.Length > 0 && !BlobNames.IsSafePath(prefix.TrimEnd('/'))) throw new ArgumentException($"'{prefix}' is not a safe prefix.");
        var root = Path.Combine(_root, container);
        var folder = prefix.LastIndexOf('/') is var slash and >= 0 ? Path.Combine(root, prefix[..slash]) : root;
        InsideRoot(Path.GetFullPath(folder), $"{container}/{prefix}");
        var page = new List<string>(PageSize);
        foreach (var name in Walk(root, folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            page.Add(name);
            if (page.Count < PageSize) continue;
            yield return page;
            page = new List<string>(PageSize);
            await Task.Yield();
        }
        if (page.Count > 0) yield return page;
    }

    public const int PageSize = 5000;

    /// <summary>Files below the folder, in order; a link to a folder is not followed (it could loop, or lead out of the root).</summary>
    static IEnumerable<string> Walk(string root, string folder)
    {
        if (!Directory.Exists(folder)) yield break;
        var entries = new DirectoryInfo(folder).EnumerateFileSystemInfos()
            .Where(e => e is DirectoryInfo ? e.LinkTarget is null : !e.Name.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(e => (Key: e is DirectoryInfo ? e.Name + "/" : e.Name, Entry: e)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        foreach (var (_, entry) in entries)
        {
            if (entry is DirectoryInfo directory)
                foreach (var name in Walk(root, directory.FullName)) yield return name;
            else yield return Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
        }
    }

    /// <summary>Versions are the SHA-256 of the content: exact whatever the file system's timestamp granularity (these blobs are small).</summary>
    public async Task<VersionedBlob?> ReadVersionedAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var path = Resolve(container, name);
        if (!File.Exists(path)) return null;
        try
        {
            var bytes = await ReadFileAsync(path, container, name, long.MaxValue, cancellationToken);
            return bytes is null ? null : new VersionedBlob(bytes, ContentTag(bytes));
        }
        catch (FileNotFoundException) when (!File.Exists(path))
        {
            return null; // removed between the check and the read
        }
    }

    /// <summary>
    /// Compare-and-swap under the folder's exclusive lock file (an advisory <c>flock</c> that every process of this store takes),
    /// then the same atomic rename as <see cref="WriteAsync"/>.
    /// </summary>
    public async Task<bool> TryReplaceAsync(string container, string name, byte[] content, string contentType, string? etag, CancellationToken cancellationToken = default)
    {
        var path = Resolve(container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var held = await LockAsync(FolderLock(path), cancellationToken);
        var current = File.Exists(path) ? ContentTag(await File.ReadAllBytesAsync(path, cancellationToken)) : null;
        if (current != etag) return false;
        await WriteAsync(container, name, content, contentType, cancellationToken);
        return true;
    }

    /// <summary>Length and last write time: a HEAD's worth, without reading a model's hundreds of megabytes.</summary>
    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(Resolve(container, name));
        return Task.FromResult(info.Exists ? $"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}" : null);
    }

    const string LockSuffix = ".lock";

    /// <summary>
    /// One lock file per folder, kept outside every container (<c>.locks/</c> under the root; container names cannot start with a dot),
    /// so creates and swaps in a folder are serialised and no listing or folder of results ever shows a lock.
    /// </summary>
    string FolderLock(string path)
    {
        var locks = Path.Combine(_root, ".locks");
        Directory.CreateDirectory(locks);
        var folder = System.Text.Encoding.UTF8.GetBytes(Path.GetDirectoryName(path)!);
        return Path.Combine(locks, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(folder))[..24] + LockSuffix);
    }

    static string ContentTag(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    static async Task<FileStream> LockAsync(string path, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(1, 10), ct);
            }
        }
    }

    public Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(Resolve(container, name)));

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        File.Delete(Resolve(container, name)); // no error when absent
        return Task.CompletedTask;
    }
}
