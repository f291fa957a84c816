using System.Text.RegularExpressions;

namespace XaiVision.Engine;

/// <summary>
/// How much of a user's bad value a message repeats: a quoted value ('…') over <see cref="MaxCharacters"/> characters is cut
/// there and its length said, so a rejected 50 MB field costs one line, not 50 MB of stderr, log and event. A message still over
/// <see cref="MaxMessage"/> characters (a value echoed without quotes) is cut at that length.
/// </summary>
public static partial class Echo
{
    public const int MaxCharacters = 200, MaxMessage = 2000;

    public static string Clip(string message)
    {
        var clipped = LongQuote().Replace(message, m => $"'{m.Groups["value"].Value[..MaxCharacters]}…' ({Count(m.Groups["value"].Value.Length)})");
        return clipped.Length <= MaxMessage ? clipped : $"{clipped[..MaxMessage]}… ({Count(clipped.Length)} in all)";
    }

    static string Count(int characters) => Invariant.Number(characters, "N0") + " characters";

    // 201 = MaxCharacters + 1: a value of exactly MaxCharacters is echoed whole
    [GeneratedRegex("'(?<value>[^']{201,})'")]
    private static partial Regex LongQuote();
}
