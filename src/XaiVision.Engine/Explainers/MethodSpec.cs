using System.Globalization;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// A method string such as <c>integrated-gradients(steps=32,baseline=black)</c>: a name and
/// parameters. Every parameter must be consumed by the method, or construction fails naming the
/// ones it accepts — a typo never silently falls back to a default.
/// </summary>
public sealed class MethodSpec
{
    readonly Dictionary<string, string> _parameters;
    readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);
    readonly List<string> _accepted = new();

    MethodSpec(string name, Dictionary<string, string> parameters, string text)
    {
        Name = name;
        _parameters = parameters;
        Text = text;
    }

    public string Name { get; }
    public string Text { get; }

    /// <summary>The layer CAM methods use when the method string names none (the CLI's --layer).</summary>
    public string? DefaultLayer { get; init; }

    public static MethodSpec Parse(string text)
    {
        text = text.Trim();
        int open = text.IndexOf('(');
        var name = (open < 0 ? text : text[..open]).Trim().ToLowerInvariant();
        if (name.Length == 0) throw new XaiVisionException($"Method '{text}' has no name.");
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (open >= 0)
        {
            if (!text.EndsWith(')')) throw new XaiVisionException($"Method '{text}': missing ')'.");
            foreach (var part in text[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=');
                if (eq <= 0) throw new XaiVisionException($"Method '{text}': parameter '{part}' is not name=value.");
                var key = part[..eq].Trim();
                if (!parameters.TryAdd(key, part[(eq + 1)..].Trim()))
                    throw new XaiVisionException($"Method '{text}': parameter '{key}' is given twice.");
            }
        }
        return new MethodSpec(name, parameters, text);
    }

    /// <summary>Splits a comma list of methods, keeping commas inside parentheses.</summary>
    public static IReadOnlyList<MethodSpec> ParseList(string text)
    {
        var result = new List<MethodSpec>();
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var item = text[start..i].Trim();
                if (item.Length > 0) result.Add(Parse(item));
                start = i + 1;
            }
            else if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
        }
        if (result.Count == 0) throw new XaiVisionException("No method given.");
        return result;
    }

    public MethodSpec WithDefaultLayer(string? layer) => new(Name, _parameters, Text) { DefaultLayer = layer };

    /// <summary>The same method at one <paramref name="layer"/>, its other parameters kept, <c>layers</c> and <c>aug-smooth</c> (the wrappers') dropped.</summary>
    public MethodSpec AtLayer(string layer)
    {
        var parameters = new Dictionary<string, string>(_parameters, StringComparer.OrdinalIgnoreCase) { ["layer"] = layer };
        parameters.Remove("layers");
        parameters.Remove("aug-smooth");
        return new(Name, parameters, Text);
    }

    /// <summary>Whether the string gives <paramref name="key"/> (not counted as accepted: for parameters only some methods take).</summary>
    public bool Has(string key) => _parameters.ContainsKey(key);

    public string? String(string key)
    {
        _accepted.Add(key);
        if (!_parameters.TryGetValue(key, out var v)) return null;
        _used.Add(key);
        return v;
    }

    public int Int(string key, int fallback, int min, int max)
    {
        var text = String(key);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new XaiVisionException($"Method '{Text}': {key} must be a whole number from {min} to {max}, got '{text}'.");
        return v;
    }

    public double Double(string key, double fallback, double min, double max)
    {
        var text = String(key);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v) || v < min || v > max)
            throw new XaiVisionException($"Method '{Text}': {key} must be a number from {min} to {max}, got '{text}'.");
        return v;
    }

    public T Choice<T>(string key, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        var text = String(key);
        if (text is null) return fallback;
        return choices.TryGetValue(text.ToLowerInvariant(), out var v)
            ? v
            : throw new XaiVisionException($"Method '{Text}': {key} must be one of {string.Join(", ", choices.Keys)}, got '{text}'.");
    }

    /// <summary>Fails when a parameter was given that the method does not read.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _parameters.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            var accepted = _accepted.Count == 0 ? "none" : string.Join(", ", _accepted.Distinct());
            throw new XaiVisionException($"Method '{Name}' has no parameter {string.Join(", ", unknown.Select(u => $"'{u}'"))}; it accepts: {accepted}.");
        }
    }
}
