using System.Globalization;

namespace XaiVision.Engine;

/// <summary>Numbers as text the same on every machine — reports, CSV, parameter echoes — never in the user's locale.</summary>
public static class Invariant
{
    public static string Number(double value, string? format = null) => value.ToString(format, CultureInfo.InvariantCulture);
}
