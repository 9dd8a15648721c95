using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// The built-in creation checks: which content types may be uploaded, what a file name may be, and that a
/// declared SHA-256 can be read.
/// </summary>
public sealed class DeclarationRules(IOptions<ValidationOptions> options) : IUploadValidator
{
    private readonly ValidationOptions _rules = options.Value;
    private readonly Regex? _namePattern = options.Value.FileNamePattern is { } pattern ? new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)) : null;

    public Task<UploadVerdict> ValidateAsync(UploadCreation proposal, CancellationToken cancellationToken) =>
        Task.FromResult(ContentTypeVerdict(proposal.ContentType) ?? FileNameVerdict(proposal.FileName) ?? DeclaredSha256Verdict(proposal.Metadata) ?? UploadVerdict.Accept());

    private UploadVerdict? ContentTypeVerdict(string? contentType)
    {
        if (_rules.AllowedContentTypes.Count == 0)
        {
            return null;
        }

        var type = contentType?.Split(';')[0].Trim() ?? "";
        var allowed = _rules.AllowedContentTypes.Any(rule => rule.EndsWith("/*", StringComparison.Ordinal)
            ? type.StartsWith(rule[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(rule, type, StringComparison.OrdinalIgnoreCase));
        return allowed ? null : UploadVerdict.Refuse(StatusCodes.Status415UnsupportedMediaType,
            $"Files of type '{(type.Length == 0 ? "unknown" : type)}' are not accepted here; accepted: {string.Join(", ", _rules.AllowedContentTypes)}.");
    }

    /// <summary>Malformed metadata, refused before the client sends a body that could never complete.</summary>
    private static UploadVerdict? DeclaredSha256Verdict(string? metadata) =>
        UploadMetadata.Of(metadata).Text(DeclaredSha256.MetadataKey) is { } declared && DeclaredSha256.Decode(declared) is null
            ? UploadVerdict.Refuse(StatusCodes.Status400BadRequest, DeclaredSha256.Malformed(declared))
            : null;

    private UploadVerdict? FileNameVerdict(string? fileName) => fileName switch
    {
        null => null,
        _ when fileName.Any(char.IsControl) => UploadVerdict.Refuse(StatusCodes.Status400BadRequest, "The file name contains control characters."),
        _ when Encoding.UTF8.GetByteCount(fileName) > _rules.MaxFileNameBytes => UploadVerdict.Refuse(StatusCodes.Status400BadRequest,
            $"The file name is longer than {_rules.MaxFileNameBytes} bytes."),
        _ when _namePattern is not null && !_namePattern.IsMatch(fileName) => UploadVerdict.Refuse(StatusCodes.Status400BadRequest,
            $"The file name '{fileName}' does not follow this service's rule for names."),
        _ => null,
    };
}
