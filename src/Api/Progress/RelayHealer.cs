namespace OrleansUploads.Api.Progress;

/// <summary>Looks every second for watched uploads whose stream may have stopped delivering, and starts healing their relay.</summary>
public sealed class RelayHealer(ProgressRelay relay) : BackgroundService
{
    private static readonly TimeSpan Pace = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Pace);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            relay.StartHealing(stoppingToken);
        }
    }
}
