namespace XaiVision.Engine;

/// <summary>A user's word parsed, or null where the parser refuses it (the validator reports those with their reasons).</summary>
public static class Parsed
{
    public static T? OrNull<T>(Func<T> parse) where T : struct
    {
        try
        {
            return parse();
        }
        catch (XaiVisionException)
        {
            return null;
        }
    }
}
