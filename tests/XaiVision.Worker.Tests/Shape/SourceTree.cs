using System.Text.RegularExpressions;

namespace XaiVision.Worker.Tests.Shape;

/// <summary>The product's C# sources, read as text: each file's namespace, the types it declares and the namespaces it uses.</summary>
public static partial class SourceTree
{
    public sealed record SourceFile(string Path, string Namespace, string Text);

    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "XaiVision.sln"))) return dir.FullName;
        throw new InvalidOperationException("XaiVision.sln not found above the test binaries");
    }

    public static IReadOnlyList<SourceFile> Files { get; } = Directory.EnumerateFiles(System.IO.Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
        .Where(p => !p.Split(System.IO.Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
        .Select(p => (Path: p, Text: File.ReadAllText(p)))
        .Select(f => new SourceFile(f.Path, NamespaceOf().Match(f.Text) is { Success: true } m ? m.Groups[1].Value : "", f.Text))
        .Where(f => f.Namespace.Length > 0).ToList();

    /// <summary>
    /// Namespace → the product namespaces it uses: by <c>using</c> directives, and by qualified names (<c>Lrp.LrpExplainer</c>,
    /// <c>Engine.Models.ModelLoader</c>) that name a type another namespace declares.
    /// </summary>
    public static Dictionary<string, HashSet<string>> Dependencies()
    {
        var typesByNamespace = Files.GroupBy(f => f.Namespace)
            .ToDictionary(g => g.Key, g => g.SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value)).ToHashSet());
        var graph = typesByNamespace.Keys.ToDictionary(n => n, _ => new HashSet<string>());
        foreach (var file in Files)
        {
            var used = graph[file.Namespace];
            foreach (Match m in UsingDirective().Matches(file.Text)) used.Add(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
            foreach (Match m in QualifiedName().Matches(file.Text))
            {
                var (qualifier, type) = (m.Groups[1].Value, m.Groups[2].Value);
                foreach (var (ns, types) in typesByNamespace)
                    if (types.Contains(type) && (ns == qualifier || ns.EndsWith("." + qualifier, StringComparison.Ordinal))) used.Add(ns);
            }
            used.Remove(file.Namespace);
        }
        foreach (var used in graph.Values) used.RemoveWhere(n => !graph.ContainsKey(n));
        return graph;
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceOf();

    [GeneratedRegex(@"\b(?:class|record|interface|enum|struct)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^using (?:(XaiVision[\w.]*)|static (XaiVision[\w.]*)\.\w+);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"\b((?:[A-Z]\w*\.)*[A-Z]\w*)\.([A-Z]\w*)\b")]
    private static partial Regex QualifiedName();
}
