using System.Text.Json;

namespace OrleansUploads.Client;

/// <summary>
/// Fingerprints and their <see cref="ResumeEntry"/> in one small JSON file. Each change is written to a temporary file and
/// renamed over the old one, so a process killed mid-write leaves the previous version, never half a file.
/// </summary>
/// <remarks>
/// Several <c>uploads send</c> may run at once on one state file. Each change reads, changes and writes the
/// whole file while holding <see cref="StateFileLock"/>, or one process's entry would be lost to another's write.
/// </remarks>
public sealed class FileResumeStore(string path) : IResumeStore
{
    public string Path { get; } = path;

    public async ValueTask<ResumeEntry?> FindAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken)).GetValueOrDefault(fingerprint);

    public ValueTask SaveAsync(string fingerprint, ResumeEntry entry, CancellationToken cancellationToken = default) =>
        ChangeAsync(entries => entries[fingerprint] = entry, cancellationToken);

    public ValueTask ForgetAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        ChangeAsync(entries => entries.Remove(fingerprint), cancellationToken);

    private async ValueTask ChangeAsync(Action<Dictionary<string, ResumeEntry>> change, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        using (await StateFileLock.TakeAsync(Path + ".lock", cancellationToken))
        {
            var entries = await ReadAsync(cancellationToken);
            change(entries);
            var temporary = $"{Path}.{Environment.ProcessId}.tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(entries), cancellationToken);
            File.Move(temporary, Path, overwrite: true);
        }
    }

    private async Task<Dictionary<string, ResumeEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, ResumeEntry>>(await File.ReadAllTextAsync(Path, cancellationToken)) ?? [];
        }
        catch (JsonException)
        {
            // A damaged file (or one of the earlier form, URLs without SHA-256s) only costs resumability: start afresh rather than refuse to send.
            return [];
        }
    }
}
