using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>The API's counters for tests that build its services by hand.</summary>
public static class Counters
{
    public static UploadCounters New() =>
        new(new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
