using Microsoft.AspNetCore.Connections;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>Starts the service on its addresses and runs it until it is stopped.</summary>
public static class ListeningHosting
{
    /// <exception cref="StartRefusedException">Another process listens on an address of this service.</exception>
    public static async Task RunListeningAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (IOException taken) when (taken.InnerException is AddressInUseException)
        {
            // The embedded silo started before Kestrel: it leaves the cluster before the refusal is told.
            await app.StopAsync();
            // Kestrel's sentence names the address; a second copy of the service is the usual cause.
            throw new StartRefusedException($"{taken.Message} Stop the process that listens there, or give this service another address with --urls (ASPNETCORE_URLS).", taken);
        }

        await app.WaitForShutdownAsync();
    }
}
