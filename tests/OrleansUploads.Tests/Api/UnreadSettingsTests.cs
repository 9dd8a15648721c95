using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using OrleansUploads.Api.Hosting;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>
/// A setting under the service's sections that nothing reads, a misspelt name most often, is named in a
/// warning at start; the service starts with the default it would otherwise have used in silence.
/// </summary>
public sealed partial class UnreadSettingsTests
{
    [Fact]
    public async Task A_misspelt_setting_and_a_list_given_one_value_are_named_in_warnings_and_the_defaults_stay_in_force()
    {
        // Beside them, settings that are read: a list's item, a library's options, a single setting, and
        // a list left blank (an empty variable of a template), which means its default.
        await using var service = await UploadService.StartAsync(
            "--Uploads:MaxSizeByte=5", "--Uploads:Validation:AllowedContentTypes=image/png",
            "--Limits:AllowedOrigins:0=http://127.0.0.1:1", "--Cluster:Membership:ProbeTimeout=00:00:05", "--OpenTelemetry:ConsoleTraces=false",
            "--Uploads:Webhooks:Urls=");
        using var client = service.CreateClient();

        // Neither a size limit of 5 bytes nor images only.
        await client.CreateAsync(10, $"filetype {Convert.ToBase64String("text/plain"u8)}");

        // Only these two are named, though the tests start the service with many more settings.
        var warnings = service.Output.Split('\n').Where(line => line.Contains(" is no setting of this service") || line.Contains(" is a list: ")).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.Contains(warnings, line => line.Contains("Uploads:MaxSizeByte is no setting of this service and is ignored"));
        Assert.Contains(warnings, line => line.Contains("Uploads:Validation:AllowedContentTypes is a list: its items are set as Uploads:Validation:AllowedContentTypes:0"));
    }

    [Fact]
    public async Task A_misspelt_setting_is_named_before_the_refusal_it_causes()
    {
        var refused = await Record.ExceptionAsync(async () => await (await UploadService.StartAsync(
            "--Storage:Kind=azure", "--Storage:Azure:ConectionString=UseDevelopmentStorage=true")).DisposeAsync());

        var output = Assert.IsType<InvalidOperationException>(refused).Message;
        var named = output.IndexOf("Storage:Azure:ConectionString is no setting of this service", StringComparison.Ordinal);
        var refusal = output.IndexOf("Storage:Kind is azure, but Storage:Azure:ConnectionString is not set.", StringComparison.Ordinal);
        Assert.InRange(named, 0, refusal);
    }

    [Fact]
    public async Task The_readme_lists_every_setting_the_service_reads_and_no_other()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"));
        var listed = new List<string>();
        foreach (var row in readme.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal)))
        {
            // A row names settings in its first cell; `:Secret` after `Uploads:Webhooks:Urls` is Uploads:Webhooks:Secret.
            var parent = "";
            foreach (var name in Setting().Matches(row.Split('|')[1]).Select(match => match.Groups["name"].Value))
            {
                var key = name.StartsWith(':') ? parent + name : name;
                parent = key[..key.LastIndexOf(':')];
                listed.Add(key);
            }
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(listed.Distinct().Select(key => KeyValuePair.Create(key, (string?)"1"))).Build();

        Assert.Contains("Uploads:Webhooks:Secret", listed);
        Assert.Contains("Cluster:Reminders:MinimumReminderPeriod", listed);
        // The README lists a list by its name; its items are what is read.
        Assert.All(ApiSettings.Read.UnreadIn(configuration), unread => Assert.True(unread.IsList, $"{unread.Key} is listed but not read"));
        // Orleans' own options under Cluster: are left to its documentation (the README's Cluster:Membership:* and so on).
        var unlisted = ApiSettings.Read.Known.Where(key => !key.StartsWith("Cluster:", StringComparison.OrdinalIgnoreCase) || key.Count(c => c == ':') == 1)
            .Where(key => !listed.Contains(key, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(unlisted);
    }

    // A setting under one of the service's sections, or the rest of one after a first (`:Secret`); not `Cluster:*`.
    [GeneratedRegex("`(?<name>(?:(?:Uploads|Storage|Auth|Limits|Cluster|Dashboard|OpenTelemetry)|)(?::[A-Za-z0-9]+)+)`")]
    private static partial Regex Setting();
}
