using System.Text.Json;

namespace OrleansUploads.Client;

/// <summary>
/// Fingerprints and their <see cref="ResumeEntry"/> in one small JSON file. Each change is written to a temporary file and
/// renamed over the old one, so a process killed mid-write leaves the previous version, never half a file.
/// </summary>
/// <remarks>
/// Several <c>uploads send</c> may run at once on one state file. Each change reads, changes and writes the
/// whole file while holding <see cref="StateFileLock"/>, or one process's entry would be lost to another's write.
/// Completed uploads' entries stay so their files are not sent again, which would grow the file without end:
/// each change drops those older than <see cref="KeepCompletedFor"/> and all but the newest <see cref="MaxCompleted"/>.
/// Unfinished entries are never dropped; they leave when their upload ends.
/// </remarks>
public sealed class FileResumeStore(string path) : IResumeStore
{
    public string Path { get; } = path;

    /// <summary>How long a completed upload's entry is kept after the service was last seen holding it.</summary>
    public TimeSpan KeepCompletedFor { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How many completed uploads' entries are kept at most (the most recently seen).</summary>
    public int MaxCompleted { get; init; } = 1000;

    public async ValueTask<ResumeEntry?> FindAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken)).Entries.GetValueOrDefault(fingerprint);

    public ValueTask SaveAsync(string fingerprint, ResumeEntry entry, CancellationToken cancellationToken = default) =>
        ChangeAsync(entries => entries[fingerprint] = entry, cancellationToken);

    public ValueTask ForgetAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        ChangeAsync(entries => entries.Remove(fingerprint), cancellationToken);

    private async ValueTask ChangeAsync(Action<Dictionary<string, ResumeEntry>> change, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        using (await StateFileLock.TakeAsync(Path + ".lock", cancellationToken))
        {
            var (entries, damaged) = await ReadAsync(cancellationToken);
            if (damaged)
            {
                // Kept for whoever wants to look: the entries it held are lost to resuming, not to the disk.
                File.Copy(Path, Path + ".damaged", overwrite: true);
            }

            change(entries);
            DropOldCompleted(entries);
            var temporary = $"{Path}.{Environment.ProcessId}.tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(entries), cancellationToken);
            File.Move(temporary, Path, overwrite: true);
        }
    }

    /// <summary>A file dropped here is only sent again on its next send; an unfinished upload dropped could not be resumed.</summary>
    private void DropOldCompleted(Dictionary<string, ResumeEntry> entries)
    {
        var cutoff = DateTimeOffset.UtcNow - KeepCompletedFor;
        var dropped = entries.Where(e => e.Value.Completed is not null)
            .OrderByDescending(e => e.Value.Completed)
            .Select((e, index) => (e.Key, Drop: e.Value.Completed < cutoff || index >= MaxCompleted))
            .Where(e => e.Drop)
            .ToList();
        dropped.ForEach(e => entries.Remove(e.Key));
    }

    /// <returns>The entries that could be read; <c>Damaged</c> when the file as a whole could not be.</returns>
    private async Task<(Dictionary<string, ResumeEntry> Entries, bool Damaged)> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return ([], false);
        }

        Dictionary<string, JsonElement> raw;
        try
        {
            raw = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(Path, cancellationToken)) ?? [];
        }
        catch (JsonException)
        {
            // A damaged file only costs resumability: start afresh rather than refuse to send.
            return ([], true);
        }

        // One bad entry costs only its own file's resumability, never the other files' entries.
        var entries = new Dictionary<string, ResumeEntry>();
        foreach (var (fingerprint, value) in raw)
        {
            if (EntryOf(value) is { } entry)
            {
                entries[fingerprint] = entry;
            }
        }

        return (entries, false);
    }

    /// <summary>An entry, or a bare upload URL as earlier versions wrote them (an upload begun then resumes, hashing the file once more); null for anything else.</summary>
    private static ResumeEntry? EntryOf(JsonElement value)
    {
        try
        {
            var entry = value.ValueKind == JsonValueKind.String ? new ResumeEntry(new Uri(value.GetString()!), null) : value.Deserialize<ResumeEntry>();
            return entry?.Upload is null ? null : entry;
        }
        catch (Exception e) when (e is JsonException or UriFormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
