namespace OrleansUploads.Api.Hooks;

/// <summary>The creation checks, from the <c>Uploads:Validation</c> configuration section.</summary>
public sealed class ValidationOptions
{
    public const string Section = "Uploads:Validation";

    /// <summary>Content types an upload may declare (<c>image/*</c> allows a family); empty allows any.</summary>
    public List<string> AllowedContentTypes { get; set; } = [];

    /// <summary>The longest file name accepted, in UTF-8 bytes; control characters are never accepted.</summary>
    public int MaxFileNameBytes { get; set; } = 255;

    /// <summary>A regular expression every file name must match, when set (for example <c>^[\w .-]+$</c>).</summary>
    public string? FileNamePattern { get; set; }

    /// <summary>
    /// The most bytes one owner's uploads may hold (declared sizes of unfinished uploads and sizes of
    /// completed ones until they are deleted), when set. Counted per address when no one signs in.
    /// Uploads without a declared size (forms) are not counted.
    /// </summary>
    public long? MaxBytesPerOwner { get; set; }

    /// <summary>
    /// An HTTP endpoint asked before every creation (POST, JSON: owner, length, metadata); it answers
    /// <c>{"accept": true, "metadata": {...}}</c> or <c>{"accept": false, "status": 403, "message": "..."}</c>.
    /// While it cannot be reached, uploads are not created (503).
    /// </summary>
    public Uri? HookUrl { get; set; }

    public TimeSpan HookTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
