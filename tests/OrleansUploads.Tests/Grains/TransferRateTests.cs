using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

public sealed class TransferRateTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_steady_transfer_converges_on_its_speed()
    {
        var rate = new TransferRate(TimeSpan.FromSeconds(2));
        rate.Restart(Start);

        var now = Feed(rate, Start, bytesPerReport: 1_000_000, reports: 100, every: TimeSpan.FromMilliseconds(100));

        Assert.InRange(rate.BytesPerSecondAt(now), 9_900_000, 10_100_000);
    }

    [Fact]
    public void The_speed_fades_while_no_bytes_arrive_and_is_zero_once_stopped()
    {
        var rate = new TransferRate(TimeSpan.FromSeconds(2));
        rate.Restart(Start);
        var now = Feed(rate, Start, bytesPerReport: 1_000_000, reports: 50, every: TimeSpan.FromMilliseconds(100));
        var steady = rate.BytesPerSecondAt(now);

        Assert.Equal(steady, rate.BytesPerSecondAt(now.AddMilliseconds(400)));
        Assert.True(rate.BytesPerSecondAt(now.AddSeconds(10)) < steady * 0.01);
        rate.Stop();
        Assert.Equal(0, rate.BytesPerSecondAt(now));
    }

    private static DateTimeOffset Feed(TransferRate rate, DateTimeOffset from, long bytesPerReport, int reports, TimeSpan every)
    {
        var now = from;
        for (var report = 0; report < reports; report++)
        {
            now += every;
            rate.Record(bytesPerReport, now);
        }

        return now;
    }
}
