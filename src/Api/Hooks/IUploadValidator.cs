using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// Asked before an upload exists, with what the client declared and who it is: it may refuse (the
/// client gets a 4xx with the message and nothing is created), or accept and add metadata. Validators
/// run in the order they were registered; the first refusal wins.
/// </summary>
public interface IUploadValidator
{
    Task<UploadVerdict> ValidateAsync(UploadCreation proposal, CancellationToken cancellationToken);
}

/// <summary>What a validator said: accepted (perhaps with metadata to add), or refused with a 4xx status and a message.</summary>
public sealed record UploadVerdict(int? RefusedWith, string? Message, IReadOnlyDictionary<string, string>? AddedMetadata = null)
{
    public static UploadVerdict Accept(IReadOnlyDictionary<string, string>? addedMetadata = null) => new(null, null, addedMetadata);

    public static UploadVerdict Refuse(int status, string message) => new(status, message);

    public bool Refused => RefusedWith is not null;
}
