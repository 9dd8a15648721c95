using System.Text.Json;
using OrleansUploads.Client;

namespace OrleansUploads.Terminal;

/// <summary>
/// The <c>--json</c> output: one JSON object per line (JSON Lines), in the service's own JSON (camelCase,
/// states as strings), so a script reads each line as it comes.
/// </summary>
public static class JsonLines
{
    private static readonly JsonSerializerOptions Compact = new(UploadJson.Options) { WriteIndented = false };

    public static void Write<T>(TextWriter output, T value)
    {
        var line = JsonSerializer.Serialize(value, Compact);
        // Files sending at once each write their line as they end: one line must never break into another.
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
