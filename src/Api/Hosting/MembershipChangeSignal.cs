using OrleansUploads.Api.Progress;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Tells the relay when silos join or leave, for an API that hosts a silo itself. An API in client
/// mode learns the same from its gateway count (<see cref="UploadsHosting"/>).
/// </summary>
internal sealed class MembershipChangeSignal(IClusterMembershipService membership, ProgressRelay relay) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seen = membership.CurrentSnapshot.Version;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                if (snapshot.Version > seen)
                {
                    seen = snapshot.Version;
                    relay.OnClusterChanged();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
