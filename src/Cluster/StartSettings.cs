using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansUploads.Cluster;

/// <summary>
/// Settings sections as a host reads them while it starts. A value that does not parse (a TimeSpan
/// written <c>3s</c>, a number written <c>many</c>) refuses the start with the binder's sentence, which
/// names the setting, instead of crashing the process or failing later at the first use.
/// </summary>
public static class StartSettings
{
    /// <exception cref="StartRefusedException">A value in the section does not parse.</exception>
    public static T Read<T>(IConfiguration configuration, string section) where T : new() =>
        Converted(() => configuration.GetSection(section).Get<T>() ?? new T());

    /// <summary>One setting, converted as the binder converts values (<c>true</c>, <c>00:00:03</c>).</summary>
    /// <exception cref="StartRefusedException">The value does not parse.</exception>
    public static T? Value<T>(IConfiguration configuration, string key) => Converted(() => configuration.GetValue<T>(key));

    /// <summary>A setting that a library parses (an address, a connection string): its refusal, named, stops the start.</summary>
    /// <exception cref="StartRefusedException">The value does not parse.</exception>
    public static T Parse<T>(string key, string value, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (Exception unreadable) when (unreadable is FormatException or ArgumentException)
        {
            // The value is not repeated: a connection string holds its secrets.
            throw new StartRefusedException($"{key} does not parse: {unreadable.Message}", unreadable);
        }
    }

    /// <summary>
    /// Options bound from <paramref name="section"/> when first used, read once now so that a value that
    /// does not parse stops the start; returns what was read, for a host that shapes itself by it.
    /// </summary>
    /// <exception cref="StartRefusedException">A value in the section does not parse.</exception>
    public static T Bind<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class, new()
    {
        var read = Read<T>(configuration, section);
        services.Configure<T>(configuration.GetSection(section));
        return read;
    }

    /// <summary>The binder refuses a value with a sentence that names the setting: it is the refusal's message.</summary>
    private static T Converted<T>(Func<T> convert)
    {
        try
        {
            return convert();
        }
        catch (InvalidOperationException unreadable)
        {
            throw new StartRefusedException(unreadable.Message, unreadable);
        }
    }
}
