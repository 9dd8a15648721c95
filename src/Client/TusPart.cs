namespace OrleansUploads.Client;

/// <summary>One tus upload that carries the bytes <c>[Start, Start + Length)</c> of a file: the whole file, or a partial upload of it.</summary>
internal sealed record TusPart(Uri Location, long Start, long Length, long Offset);
