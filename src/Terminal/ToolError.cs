namespace OrleansUploads.Terminal;

/// <summary>With <c>--json</c>, what went wrong, on standard error as one JSON line.</summary>
public sealed record ToolError(string Error, int ExitCode);
