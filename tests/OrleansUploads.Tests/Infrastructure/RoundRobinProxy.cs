using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// A real reverse proxy (YARP) on 127.0.0.1 that spreads requests over several API instances in turn,
/// with no affinity, and stops sending to an instance that fails its health check, as a plain load
/// balancer would.
/// </summary>
public sealed class RoundRobinProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RoundRobinProxy(WebApplication app, Uri address) => (_app, BaseAddress) = (app, address);

    public Uri BaseAddress { get; }

    public static async Task<RoundRobinProxy> StartAsync(params Uri[] backends)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "apis", Match = new RouteMatch { Path = "{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "apis",
                LoadBalancingPolicy = "RoundRobin",
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1), Policy = "ConsecutiveFailures", Path = "/readyz",
                    },
                },
                Destinations = backends.Select((backend, index) => (index, backend))
                    .ToDictionary(d => $"api{d.index}", d => new DestinationConfig { Address = d.backend.ToString() }),
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new RoundRobinProxy(app, new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
