using System.Diagnostics;
using System.Reflection;
using Orleans.Runtime.Messaging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Cluster;

/// <summary>
/// Sends an upload call again while a silo's death is being absorbed: calls the cluster refused
/// without delivering them (their grain is still addressed to the dead silo until it is declared
/// dead), and calls that went unanswered when repeating them is harmless (<see cref="IdempotentAttribute"/>).
/// It gives up after <paramref name="budget"/>. Other unanswered calls are not repeated, since they may have run.
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
        if (context.Request.GetInterfaceType().Assembly != typeof(IUploadGrain).Assembly)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var pause = FirstPause;
        bool ResendAfterPause(Exception? failure) => MayResend(failure, context) && Stopwatch.GetElapsedTime(started) + pause <= budget;
        while (true)
        {
            try
            {
                await context.Invoke();
                if (!ResendAfterPause(context.Response?.Exception))
                {
                    return;
                }
            }
            catch (Exception exception) when (ResendAfterPause(exception))
            {
            }

            await Task.Delay(pause);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    // The attribute is looked up only for a failed call, keeping the common path free of reflection.
    private static bool MayResend(Exception? failure, IOutgoingGrainCallContext context) =>
        failure is OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException
        || (failure is TimeoutException && context.InterfaceMethod.GetCustomAttribute<IdempotentAttribute>() is not null);
}
