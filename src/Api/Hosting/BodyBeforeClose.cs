using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Lets a request body that arrived whole be read whole when its client closes the connection right
/// after the last byte (a normal close, as a script that sends and exits does). Kestrel refuses any
/// HTTP/1.1 body whose connection's input has ended, even with every byte of it received and unread,
/// so such an upload would lose its last bytes and stay paused; here the end of the input is shown
/// only once what came before it has been read.
/// </summary>
public static class BodyBeforeClose
{
    public static void ReadBodiesBeforeClose(this KestrelServerOptions kestrel) =>
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
        {
            connection.Transport = new Transport(new InputEndAfterData(connection.Transport.Input), connection.Transport.Output);
            return next(connection);
        }));

    private sealed record Transport(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>A reader that holds the input's end back while data received before it is still unread.</summary>
    private sealed class InputEndAfterData(PipeReader input) : PipeReader
    {
        private SequencePosition? _heldAt;
        private bool _endShown;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var reading = input.ReadAsync(cancellationToken);
            return reading.IsCompletedSuccessfully ? new ValueTask<ReadResult>(HoldEnd(reading.Result)) : HoldEndAsync(reading);
        }

        public override bool TryRead(out ReadResult result)
        {
            var read = input.TryRead(out result);
            if (read)
            {
                result = HoldEnd(result);
            }

            return read;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            // The reader looked at everything up to the end and wants more: none will come, so its next
            // read shows the end (with what it left unconsumed, which Kestrel then calls incomplete).
            if (_heldAt is { } held && examined.Equals(held))
            {
                _endShown = true;
            }

            input.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => input.CancelPendingRead();

        public override void Complete(Exception? exception = null) => input.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => input.CompleteAsync(exception);

        private async ValueTask<ReadResult> HoldEndAsync(ValueTask<ReadResult> reading) => HoldEnd(await reading);

        private ReadResult HoldEnd(ReadResult result)
        {
            if (!result.IsCompleted || result.Buffer.IsEmpty || _endShown)
            {
                _heldAt = null;
                return result;
            }

            _heldAt = result.Buffer.End;
            return new ReadResult(result.Buffer, result.IsCanceled, isCompleted: false);
        }
    }
}
