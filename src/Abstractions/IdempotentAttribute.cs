namespace OrleansUploads.Abstractions;

/// <summary>
/// Calling the method twice has the same effect as calling it once, so a call that went unanswered
/// (its silo died with it in flight) may be sent again instead of failing the request.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;
