using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace OrleansUploads.Api.Apis;

/// <summary>
/// Interim (1xx) responses beyond <c>100 Continue</c>, for which Kestrel has no API: written on the
/// HTTP/1.1 connection itself, before the final response starts, when nothing else writes to it. Off
/// until the start-up self-test saw one arrive whole ahead of its final response on this server.
/// </summary>
public sealed class InterimResponses
{
    /// <summary>Where the self-test asks for an interim response; answered only with <see cref="ProbeToken"/>.</summary>
    public const string ProbePath = "/_interim-probe";

    /// <summary>The IETF resumable-uploads draft's interim status.</summary>
    public const string UploadResumptionSupported = "104 Upload Resumption Supported";

    public string ProbeToken { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Set by the self-test: interim responses sent here reach clients.</summary>
    public bool Enabled { get; set; }

    /// <summary>Writes <paramref name="status"/> with <paramref name="headers"/> as an interim response; false when it cannot be sent on this request.</summary>
    public async Task<bool> TrySendAsync(HttpContext context, string status, IEnumerable<(string Name, string Value)> headers)
    {
        if (!Enabled || !CanSend(context))
        {
            return false;
        }

        try
        {
            await WriteAsync(context, status, headers);
            return true;
        }
        catch (Exception exception) when (exception is IOException or ConnectionAbortedException or ConnectionResetException)
        {
            // The client went away; the request notices on its own and ends as a drop.
            return false;
        }
    }

    /// <summary>For the self-test's probe: writes even before it is enabled.</summary>
    public static async Task<bool> TryProbeAsync(HttpContext context, string status)
    {
        if (!CanSend(context))
        {
            return false;
        }

        await WriteAsync(context, status, []);
        return true;
    }

    /// <summary>HTTP/1.1 only: HTTP/2 frames its responses, and raw bytes would break the stream.</summary>
    private static bool CanSend(HttpContext context) =>
        HttpProtocol.IsHttp11(context.Request.Protocol) && !context.Response.HasStarted && context.Features.Get<IConnectionTransportFeature>() is not null;

    private static async Task WriteAsync(HttpContext context, string status, IEnumerable<(string Name, string Value)> headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var output = context.Features.Get<IConnectionTransportFeature>()!.Transport.Output;
        await output.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), context.RequestAborted);
    }
}
