namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A test that runs only when its environment variable is set (a long run, or one not yet reliable); otherwise it is reported skipped, with why.</summary>
public sealed class RunByHandFactAttribute : FactAttribute
{
    public RunByHandFactAttribute(string variable, string why)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            Skip = $"{why} Set {variable} to run it.";
        }
    }
}
