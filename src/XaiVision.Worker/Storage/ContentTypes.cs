namespace XaiVision.Worker.Storage;

/// <summary>The content type a job's blob is stored with, by its name: what a browser opening it from blob storage needs.</summary>
public static class ContentTypes
{
    public static string For(string name) => Path.GetExtension(name) switch
    {
        ".png" => "image/png",
        ".html" => "text/html",
        ".js" => "text/javascript",
        ".csv" => "text/csv",
        ".json" => "application/json",
        ".zip" => "application/zip",
        _ => "application/octet-stream",
    };
}
