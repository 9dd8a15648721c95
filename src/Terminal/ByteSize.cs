using System.Globalization;

namespace OrleansUploads.Terminal;

/// <summary>Sizes as people type and read them: <c>65536</c>, <c>64k</c>, <c>4M</c>, <c>1G</c> (binary units).</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static bool TryParse(string text, out long bytes)
    {
        text = text.Trim();
        var shift = text.Length == 0 ? 0 : char.ToLowerInvariant(text[^1]) switch { 'k' => 10, 'm' => 20, 'g' => 30, _ => 0 };
        var digits = shift == 0 ? text : text[..^1];
        var parsed = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out bytes) && bytes > 0;
        bytes <<= shift;
        return parsed;
    }

    public static string Format(double bytes)
    {
        var unit = 0;
        while (bytes >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes:0} B" : $"{bytes:0.0} {Units[unit]}";
    }
}
