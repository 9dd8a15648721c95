using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>
/// A setting the service cannot start with, or a store it cannot use, stops it before it listens: exit
/// code 1 and one line that names the setting to fix, the way an operator reads a refusal, not a crash
/// (the runtime's report of an unhandled exception, a stack trace and SIGABRT's exit code 134).
/// </summary>
public sealed class StartRefusalTests
{
    // Nothing listens on port 1 of 127.0.0.1: a store there refuses every connection at once.
    private const string Nowhere = "http://127.0.0.1:1";

    public static TheoryData<string[], string> Refusals => new()
    {
        { ["--Storage:Kind=tape"], "Storage:Kind is 'tape'; it must be file, azure or s3." },
        { ["--Storage:Kind=azure"], "Storage:Kind is azure, but Storage:Azure:ConnectionString is not set." },
        { ["--Storage:Kind=s3", "--Storage:S3:PartSize=1000"], "Storage:S3:PartSize is 1000" },
        { ["--Uploads:DrainTimeout=02:00:00"], "Uploads:DrainTimeout must be from 0 to 1 hour" },
        // A value that does not parse, in a section read at start-up and in one the grains read later.
        { ["--Uploads:DrainTimeout=soon"], "Failed to convert configuration value 'soon' at 'Uploads:DrainTimeout'" },
        { ["--Uploads:WriterSilence=3s"], "Failed to convert configuration value '3s' at 'Uploads:WriterSilence'" },
        { ["--Limits:MaxActiveUploadsPerOwner=many"], "at 'Limits:MaxActiveUploadsPerOwner'" },
        // Values a library parses: the refusal names the setting, and does not repeat a connection string's secrets.
        { ["--Storage:Kind=azure", "--Storage:Azure:ConnectionString=AccountName=devstoreaccount1;AccountKey=secret-key-text;Nonsense"], "Storage:Azure:ConnectionString does not parse" },
        { ["--Cluster:Clustering=redis", "--Cluster:AdvertisedIPAddress=uploads.example"], "Cluster:AdvertisedIPAddress does not parse" },
        { ["--Dashboard:Enabled=yes"], "at 'Dashboard:Enabled'" },
        // A misspelt mode would otherwise run quietly as the default, a silo of its own.
        { ["--Cluster:Mode=clinet"], "Cluster:Mode is 'clinet'; it must be cohosted or client." },
        { ["--Cluster:Clustering=zookeeper"], "Cluster:Clustering is 'zookeeper'; it must be localhost or redis." },
        {
            ["--Storage:Kind=azure", $"--Storage:Azure:ConnectionString=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint={Nowhere}/devstoreaccount1;"],
            "Azure Blob storage at"
        },
        { ["--Storage:Kind=s3", $"--Storage:S3:ServiceUrl={Nowhere}", "--Storage:S3:AccessKey=key", "--Storage:S3:SecretKey=secret"], "S3 bucket" },
        // Values that would start a service no client can use.
        { ["--Uploads:MaxSizeBytes=-5"], "Uploads:MaxSizeBytes is -5; it must be at least 1 byte." },
        { ["--Auth:SigningKey=short"], "Auth:SigningKey is 5 bytes; HMAC-SHA256 tokens need at least 32." },
        { ["--Uploads:PauseNotice=-00:00:01"], "Uploads:PauseNotice must not be negative." },
        // What the machine refuses: a Redis nobody runs, a data folder the process cannot make.
        { ["--Cluster:Clustering=redis", "--Cluster:RedisConnectionString=127.0.0.1:1"], "Redis at 127.0.0.1:1 (Cluster:RedisConnectionString) cannot be reached" },
        { ["--Storage:DataPath=/proc/uploads"], "/proc/uploads/grains cannot be made or written (Storage:DataPath)" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_setting_the_service_cannot_start_with_stops_it_saying_which(string[] settings, string reason)
    {
        var refused = await Record.ExceptionAsync(async () => await (await UploadService.StartAsync(settings)).DisposeAsync());

        var failure = Assert.IsType<InvalidOperationException>(refused).Message;
        Assert.StartsWith("Service exited with code 1:", failure);
        Assert.Contains(reason, failure);
        Assert.DoesNotContain("Unhandled exception", failure);
        Assert.DoesNotContain("   at ", failure);
        Assert.DoesNotContain("secret-key-text", failure);
    }

    [Fact]
    public async Task An_address_another_process_listens_on_stops_the_service_saying_which()
    {
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var taken = $"http://127.0.0.1:{((System.Net.IPEndPoint)other.LocalEndpoint).Port}";

        var refused = await Record.ExceptionAsync(async () => await (await UploadService.StartAsync($"--urls={taken}")).DisposeAsync());

        var failure = Assert.IsType<InvalidOperationException>(refused).Message;
        Assert.StartsWith("Service exited with code 1:", failure);
        // The host logs its failed start as it does any; the process ends with the refusal, not a crash.
        Assert.DoesNotContain("Unhandled exception", failure);
        Assert.EndsWith($"Failed to bind to address {taken}: address already in use. Stop the process that listens there, or give this service another address with --urls (ASPNETCORE_URLS).", failure.TrimEnd());
    }

    [Fact]
    public async Task A_mode_left_blank_is_the_default_as_an_absent_one_is()
    {
        // As an empty environment variable from a deployment template sets it.
        await using var service = await UploadService.StartAsync("--Cluster:Mode=", "--Cluster:Clustering=");
        using var client = service.CreateClient();

        Assert.Equal(0, await client.OffsetAsync(await client.CreateAsync(10)));
    }
}
