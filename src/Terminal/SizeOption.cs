using System.CommandLine;

namespace OrleansUploads.Terminal;

/// <summary>An option whose value is a size such as <c>64k</c> or <c>4M</c> (<see cref="ByteSize"/>).</summary>
public static class SizeOption
{
    public static Option<long?> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "SIZE",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (ByteSize.TryParse(text, out var bytes))
            {
                return bytes;
            }

            result.AddError($"'{text}' is not a size (a number of bytes, or with k, M or G).");
            return null;
        },
    };
}
