using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OrleansUploads.Api.Apis;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Once the server listens, asks itself for an interim response over a real connection and turns
/// interim responses on only if one arrived whole, ahead of its final response. Whatever sits
/// between Kestrel and the request (an HTTP/2-only endpoint, a transport that is not a socket) that
/// would spoil it keeps them off, and the log says why.
/// </summary>
public sealed class InterimResponseSelfTest(
    IServer server, InterimResponses interim, IOptions<UploadApiOptions> options, ILogger<InterimResponseSelfTest> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SendUploadResumptionSupported)
        {
            return;
        }

        if (server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(TcpHttpAddress).FirstOrDefault(uri => uri is not null) is not { } address)
        {
            logger.LogWarning("No plain HTTP endpoint on a TCP port to test interim responses on; 104 Upload Resumption Supported stays off");
            return;
        }

        try
        {
            var answer = await ProbeAsync(address.Port, cancellationToken).WaitAsync(Patience, cancellationToken);
            interim.Enabled = answer.StartsWith($"HTTP/1.1 {InterimResponses.UploadResumptionSupported}\r\n", StringComparison.Ordinal) && answer.Contains("\r\n\r\nHTTP/1.1 204 ", StringComparison.Ordinal);
            if (!interim.Enabled)
            {
                logger.LogWarning("An interim response did not arrive intact (got {Answer}); 104 Upload Resumption Supported stays off", answer.Split("\r\n")[0]);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or TimeoutException)
        {
            logger.LogWarning("Could not test interim responses ({Error}); 104 Upload Resumption Supported stays off", exception.Message);
        }
    }

    /// <summary>A plain-HTTP address on a TCP port (not a unix socket), whose port loopback reaches; null for others.</summary>
    private static Uri? TcpHttpAddress(string address) =>
        address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !address.Contains("unix:", StringComparison.OrdinalIgnoreCase)
        && Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Everything the server answers to the probe, up to the end of its final response's head.</summary>
    private async Task<string> ProbeAsync(int port, CancellationToken cancellationToken)
    {
        using var connection = new TcpClient();
        await connection.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = connection.GetStream();
        var request = $"GET {InterimResponses.ProbePath}/{interim.ProbeToken} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        var received = new StringBuilder();
        var buffer = new byte[512];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    /// <summary>The probe's answer: an interim response, then <c>204</c>; a wrong token is 404 like any unknown path.</summary>
    public static IApplicationBuilder UseInterimResponseProbe(IApplicationBuilder app)
    {
        var interim = app.ApplicationServices.GetRequiredService<InterimResponses>();
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path == $"{InterimResponses.ProbePath}/{interim.ProbeToken}")
            {
                await InterimResponses.TryProbeAsync(context, InterimResponses.UploadResumptionSupported);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await next(context);
        });
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
