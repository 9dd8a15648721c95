using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>
/// The parts a final upload names (tus concatenation): each must be the caller's own partial upload,
/// not ended otherwise and not part of another final upload. Unfinished parts are fine
/// (<c>concatenation-unfinished</c>): the final upload follows them.
/// </summary>
public static class FinalParts
{
    /// <returns>The problem to answer, or null when every part may be used.</returns>
    public static async Task<IResult?> CheckAsync(string[] parts, string owner, UploadLookup lookup)
    {
        for (var index = 0; index < parts.Length; index++)
        {
            var part = lookup.GrainOf(parts[index]) is { } grain ? await grain.GetStatusAsync(owner) : null;
            var problem = part switch
            {
                null => "is not an upload of yours",
                { Concat: not "partial" } => "was not created as a partial upload (Upload-Concat: partial)",
                { State: var state } when state.IsGone() => $"is {state.ToString().ToLowerInvariant()}",
                { Parts.Length: > 0 } => "is already part of another final upload",
                _ => null,
            };
            if (problem is not null)
            {
                return TusResults.Problem(StatusCodes.Status400BadRequest, $"Part {index + 1} of the final upload ({parts[index]}) {problem}.");
            }
        }

        return null;
    }
}
