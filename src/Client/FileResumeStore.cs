using System.Text.Json;

namespace OrleansUploads.Client;

/// <summary>
/// Fingerprints and upload URLs in one small JSON file. Each change is written to a temporary file and
/// renamed over the old one, so a process killed mid-write leaves the previous version, never half a file.
/// </summary>
public sealed class FileResumeStore(string path) : IResumeStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = path;

    public async ValueTask<Uri?> FindAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken)).TryGetValue(fingerprint, out var url) ? new Uri(url) : null;

    public ValueTask SaveAsync(string fingerprint, Uri upload, CancellationToken cancellationToken = default) =>
        ChangeAsync(entries => entries[fingerprint] = upload.ToString(), cancellationToken);

    public ValueTask ForgetAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        ChangeAsync(entries => entries.Remove(fingerprint), cancellationToken);

    private async ValueTask ChangeAsync(Action<Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var entries = await ReadAsync(cancellationToken);
            change(entries);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            var temporary = $"{Path}.{Environment.ProcessId}.tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(entries), cancellationToken);
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Dictionary<string, string>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path, cancellationToken)) ?? [];
        }
        catch (JsonException)
        {
            // A damaged file only costs resumability: start afresh rather than refuse to send.
            return [];
        }
    }
}
