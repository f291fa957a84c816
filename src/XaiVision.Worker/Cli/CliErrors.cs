using XaiVision.Engine;

namespace XaiVision.Worker.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int BadInput = 1;
    public const int SomeImagesFailed = 2;
    public const int GatesFailed = 3;
    public const int JobFailed = 4;
}

/// <summary>User mistakes become one line on stderr and exit code 1; bugs keep their stack trace.</summary>
public static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (XaiVisionException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (XaiVisionException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            Console.Error.WriteLine($"error: invalid configuration: {string.Join(" ", e.Failures)}");
            return ExitCodes.BadInput;
        }
    }
}
