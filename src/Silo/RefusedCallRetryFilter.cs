using System.Diagnostics;
using Orleans.Runtime.Messaging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Silo;

/// <summary>
/// Sends an upload call again when the cluster refused it without delivering it, as happens for a
/// few seconds after a silo dies: its grains are still addressed to it until it is declared dead.
/// The call is retried until a live silo answers or <paramref name="budget"/> has passed. Calls that
/// were delivered and went unanswered (a timeout) are not repeated, since they may have run.
/// </summary>
/// <remarks>
/// Without this, a HEAD caught in that window fails, and tus-js-client takes any failed HEAD as a
/// lost upload and starts the file over under a new id.
/// </remarks>
public sealed class RefusedCallRetryFilter(TimeSpan budget) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod.DeclaringType?.Assembly != typeof(IUploadGrain).Assembly)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception exception) when (IsRefused(exception))
            {
                failure = exception;
                if (Stopwatch.GetElapsedTime(started) + pause > budget)
                {
                    throw;
                }
            }

            if (!IsRefused(failure) || Stopwatch.GetElapsedTime(started) + pause > budget)
            {
                return;
            }

            await Task.Delay(pause);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    private static bool IsRefused(Exception? exception) =>
        exception is OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException;
}
