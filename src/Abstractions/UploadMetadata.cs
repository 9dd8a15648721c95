using System.Text;

namespace OrleansUploads.Abstractions;

/// <summary>
/// An upload's metadata as clients send it and <see cref="UploadStatus.Metadata"/> keeps it (the tus
/// <c>Upload-Metadata</c> form): comma-separated <c>key base64value</c> pairs, keys unique, ASCII
/// without spaces or commas. Values are data; nothing here turns them into paths or markup.
/// </summary>
public sealed class UploadMetadata
{
    private readonly Dictionary<string, byte[]> _pairs;

    private UploadMetadata(Dictionary<string, byte[]> pairs) => _pairs = pairs;

    public static UploadMetadata Empty { get; } = new([]);

    public static bool TryParse(string? header, out UploadMetadata metadata, out string? error)
    {
        metadata = Empty;
        error = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        var pairs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var pair in header.Split(','))
        {
            var parts = pair.Trim().Split(' ');
            var key = parts[0];
            if (parts.Length > 2 || key.Length == 0 || !key.All(c => char.IsAscii(c) && !char.IsControl(c)))
            {
                error = $"Metadata pair '{pair.Trim()}' is not 'key base64value'.";
                return false;
            }

            var value = Array.Empty<byte>();
            if (parts.Length == 2 && !TryDecodeBase64(parts[1], out value))
            {
                error = $"Metadata value of '{key}' is not valid base64.";
                return false;
            }

            if (!pairs.TryAdd(key, value))
            {
                error = $"Metadata key '{key}' appears more than once.";
                return false;
            }
        }

        metadata = new UploadMetadata(pairs);
        return true;
    }

    /// <summary>Metadata stored with an upload, which was checked when it was created.</summary>
    public static UploadMetadata Of(string? header) => TryParse(header, out var metadata, out _) ? metadata : Empty;

    /// <summary>Every pair, its value as UTF-8 text.</summary>
    public IReadOnlyDictionary<string, string> ToText() => _pairs.ToDictionary(pair => pair.Key, pair => Encoding.UTF8.GetString(pair.Value), StringComparer.Ordinal);

    /// <summary>The header with <paramref name="additions"/> set (replacing any pair with the same key).</summary>
    public string With(IReadOnlyDictionary<string, string> additions)
    {
        var pairs = new Dictionary<string, byte[]>(_pairs, StringComparer.Ordinal);
        foreach (var (key, value) in additions)
        {
            pairs[key] = Encoding.UTF8.GetBytes(value);
        }

        return string.Join(',', pairs.Select(pair => pair.Value.Length == 0 ? pair.Key : $"{pair.Key} {Convert.ToBase64String(pair.Value)}"));
    }

    /// <summary>The value of the first of <paramref name="keys"/> present, as UTF-8 text.</summary>
    public string? Text(params string[] keys)
    {
        foreach (var key in keys)
        {
            if (_pairs.TryGetValue(key, out var value))
            {
                return Encoding.UTF8.GetString(value);
            }
        }

        return null;
    }

    private static bool TryDecodeBase64(string text, out byte[] value)
    {
        value = new byte[text.Length];
        if (Convert.TryFromBase64String(text, value, out var written))
        {
            value = value[..written];
            return true;
        }

        return false;
    }
}
