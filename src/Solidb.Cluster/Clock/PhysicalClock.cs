namespace Solidb.Cluster.Clock;

/// <summary>
/// Wall-clock milliseconds since the Unix epoch, read cheaply: the monotonic
/// <see cref="TimeProvider.GetTimestamp"/> plus an anchor to <see cref="TimeProvider.GetUtcNow"/>
/// that is renewed once it is older than the calibration interval. Between anchors the result
/// follows the monotonic clock, so a wall-clock step (NTP) shows up at the next re-anchoring, and
/// slewing adds at most interval × slew rate (NTP slews at most 500 ppm: 5 µs per 10 ms).
/// With a zero interval every call reads the wall clock.
/// </summary>
internal sealed class PhysicalClock
{
    private const long UnixEpochTicks = 621_355_968_000_000_000; // DateTime.UnixEpoch.Ticks
    private const int CalibrationAttempts = 4;

    private readonly TimeProvider _time;
    private readonly ulong _intervalTicks;
    private readonly long _frequency;

    // ceil(2^64 / ticks-per-ms): the high half of n * _msMultiplier is floor(n / ticks-per-ms),
    // exact for the small n used here, and one multiply instead of a 64-bit division.
    private readonly ulong _msMultiplier;

    // A wall reading counts as taken at the midpoint of the monotonic reads around it only if
    // they are this close; a wider bracket means the thread was preempted in between.
    private readonly long _tightBracketTicks;

    private Anchor _anchor;

    public PhysicalClock(TimeProvider time, TimeSpan calibrationInterval)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _frequency = time.TimestampFrequency;
        // Below 2 kHz a tick is coarser than the 2 ms bound; absurdly high frequencies would break the
        // multiplier's exactness. Neither exists in practice, but both are safe with direct reads.
        bool usable = calibrationInterval > TimeSpan.Zero && _frequency >= 2_000 && _frequency <= 100_000_000_000;
        if (usable)
        {
            _intervalTicks = Math.Max(1, (ulong)(calibrationInterval.TotalSeconds * _frequency));
            _msMultiplier = (ulong)((((UInt128)1000 << 64) + (ulong)_frequency - 1) / (ulong)_frequency);
            _tightBracketTicks = Math.Max(1, _frequency / 50_000); // 20 µs
            _anchor = Calibrate();
        }
        else
        {
            _anchor = new Anchor(0, 0, 0);
        }
    }

    /// <summary>Whether reads go through the monotonic clock (false: every read is a wall-clock read).</summary>
    public bool IsCalibrated => _intervalTicks != 0;

    public ulong UtcNowMilliseconds()
    {
        if (_intervalTicks == 0)
        {
            return ToUnixMilliseconds(_time.GetUtcNow().UtcTicks);
        }

        Anchor anchor = Volatile.Read(ref _anchor);
        // Unsigned, so a timestamp older than the anchor (another thread re-anchored) also re-anchors.
        ulong elapsed = (ulong)(_time.GetTimestamp() - anchor.Timestamp);
        if (elapsed >= _intervalTicks)
        {
            return Recalibrate(anchor);
        }

        return anchor.WholeMilliseconds + Math.BigMul(elapsed + anchor.FractionTicks, _msMultiplier, out _);
    }

    private ulong Recalibrate(Anchor seen)
    {
        Anchor fresh = Calibrate();
        // Losing the race is fine: the winner's anchor is as fresh as ours, which still serves this read.
        Interlocked.CompareExchange(ref _anchor, fresh, seen);
        return fresh.WholeMilliseconds;
    }

    private Anchor Calibrate()
    {
        long bestBefore = 0, bestWidth = long.MaxValue, bestWallTicks = 0;
        for (int attempt = 0; attempt < CalibrationAttempts; attempt++)
        {
            long before = _time.GetTimestamp();
            long wallTicks = _time.GetUtcNow().UtcTicks;
            long width = _time.GetTimestamp() - before;
            if (width < bestWidth)
            {
                (bestBefore, bestWidth, bestWallTicks) = (before, width, wallTicks);
            }

            if (width <= _tightBracketTicks)
            {
                break;
            }
        }

        ulong wholeMs = ToUnixMilliseconds(bestWallTicks);
        ulong subMsTicks = (ulong)((bestWallTicks - UnixEpochTicks) % TimeSpan.TicksPerMillisecond);
        ulong fraction = (ulong)((UInt128)subMsTicks * (ulong)_frequency / TimeSpan.TicksPerSecond);
        return new Anchor(bestBefore + (bestWidth / 2), wholeMs, fraction);
    }

    private static ulong ToUnixMilliseconds(long utcTicks)
    {
        long ms = (utcTicks - UnixEpochTicks) / TimeSpan.TicksPerMillisecond;
        if ((ulong)ms > HlcPacking.MaxPhysical)
        {
            ThrowOutOfRange(utcTicks);
        }

        return (ulong)ms;
    }

    private static void ThrowOutOfRange(long utcTicks) =>
        throw new InvalidOperationException(
            $"The wall clock reads {new DateTime(utcTicks, DateTimeKind.Utc):O}, outside the HLC range 1970..2527.");

    /// <summary>Monotonic <see cref="Timestamp"/> at which the wall clock read <see cref="WholeMilliseconds"/>
    /// plus <see cref="FractionTicks"/> (the sub-millisecond rest, in monotonic ticks).</summary>
    private sealed class Anchor(long timestamp, ulong wholeMilliseconds, ulong fractionTicks)
    {
        public readonly long Timestamp = timestamp;
        public readonly ulong WholeMilliseconds = wholeMilliseconds;
        public readonly ulong FractionTicks = fractionTicks;
    }
}
