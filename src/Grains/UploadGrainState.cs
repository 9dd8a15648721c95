using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>What an upload grain persists. <see cref="BytesReceived"/> is the committed offset.</summary>
[GenerateSerializer]
public sealed class UploadGrainState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public long? TotalBytes { get; set; }
    [Id(2)] public string? FileName { get; set; }
    [Id(3)] public string? ContentType { get; set; }
    [Id(4)] public string? Metadata { get; set; }
    [Id(5)] public string Owner { get; set; } = "";
    [Id(6)] public UploadState State { get; set; }
    [Id(7)] public long BytesReceived { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset? StartedAt { get; set; }
    [Id(10)] public DateTimeOffset? LastByteAt { get; set; }
    [Id(11)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(12)] public string? Sha256 { get; set; }
    [Id(13)] public string? Error { get; set; }
    [Id(14)] public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The catalog that counts this upload against the limit on unfinished uploads, when not the owner's.</summary>
    [Id(15)] public string? Quota { get; set; }

    /// <summary>When the upload reached its terminal state (completed, cancelled, failed, expired, deleted).</summary>
    [Id(16)] public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The number of the newest lease granted; persisted with the grant, so it only grows.</summary>
    [Id(17)] public long LeaseEpoch { get; set; }

    /// <summary>How many times this state was stored: the <see cref="UploadStatus.Sequence"/> of what it shows.</summary>
    [Id(18)] public long Version { get; set; }

    /// <summary>
    /// The request holding the lease, kept so that an activation after a silo's death can tell a
    /// writer that outlived the old activation to stop (the lease itself lives in memory, unless
    /// handed over: <see cref="HandedOverLease"/>).
    /// </summary>
    [Id(19)] public IUploadWriter? Writer { get; set; }

    /// <summary>The processing stage running, or the last that ran (see <see cref="UploadStatus.Stage"/>).</summary>
    [Id(20)] public string? Stage { get; set; }

    /// <summary>How delivering the outcome to the webhooks stands; null when none are configured or nothing ended yet.</summary>
    [Id(21)] public WebhookStatus? Webhook { get; set; }

    /// <summary>The webhook URLs that have not taken the outcome yet.</summary>
    [Id(22)] public string[]? WebhookPending { get; set; }

    /// <summary>Its size counts against a byte quota until it ends without completing or its file is deleted.</summary>
    [Id(23)] public bool HoldsBytes { get; set; }

    /// <summary>A tus partial upload; <see cref="Final"/> is the final upload it belongs to, once one claimed it.</summary>
    [Id(24)] public bool Partial { get; set; }

    [Id(25)] public string? Final { get; set; }

    /// <summary>A tus final upload's partial uploads, in order, and how far each has got.</summary>
    [Id(26)] public string[]? Parts { get; set; }

    [Id(27)] public PartProgress[]? PartProgress { get; set; }

    /// <summary>
    /// The lease of <see cref="Writer"/>, when an activation that ended gracefully (its silo shut down)
    /// handed it to the next one, so the request writing goes on. A crash leaves none: the lease ends.
    /// </summary>
    [Id(28)] public Guid? HandedOverLease { get; set; }

    /// <summary>Someone watched the upload: its changes are published on its stream from then on.</summary>
    [Id(29)] public bool Watched { get; set; }

    /// <summary>A copy to keep as what storage holds; every member is immutable, so a shallow copy is whole.</summary>
    public UploadGrainState Copy() => (UploadGrainState)MemberwiseClone();
}
