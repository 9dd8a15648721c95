using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansUploads.Cluster;

/// <summary>A host's settings that nothing reads, named in warnings as it starts.</summary>
public static class UnreadSettingsWarning
{
    /// <summary>
    /// Logs each setting under <paramref name="read"/>'s sections that nothing reads. Done before the host
    /// is built, with a logger of its own, so the warning comes before any refusal the misspelt setting
    /// causes (a connection string "not set", a Redis "cannot be reached").
    /// </summary>
    public static void WarnOfUnreadSettings(this IHostApplicationBuilder builder, SettingsRead read)
    {
        var unread = read.UnreadIn(builder.Configuration).ToList();
        if (unread.Count == 0)
        {
            return;
        }

        using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole());
        var logger = loggers.CreateLogger(typeof(UnreadSettingsWarning));
        foreach (var setting in unread)
        {
            if (setting.IsList)
            {
                logger.LogWarning("{Key} is a list: its items are set as {Key}:0, {Key}:1 and so on (a map's by name), and this value is ignored.", setting.Key, setting.Key, setting.Key);
            }
            else
            {
                logger.LogWarning("{Key} is no setting of this service and is ignored; the README lists the settings.", setting.Key);
            }
        }
    }
}
