using Microsoft.Extensions.Time.Testing;

namespace Solidb.Cluster.Tests.Clock;

/// <summary>
/// FakeTimeProvider whose wall clock can step independently of its monotonic timestamp, as NTP
/// steps CLOCK_REALTIME but not CLOCK_MONOTONIC. (FakeTimeProvider itself derives GetTimestamp
/// from GetUtcNow and cannot go back in time.) Advance moves both.
/// </summary>
internal sealed class SteppableTimeProvider : FakeTimeProvider
{
    public static readonly DateTimeOffset DefaultStart = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private TimeSpan _wallOffset;
    private TimeSpan _pauseAfterNextWallRead;

    public SteppableTimeProvider()
        : this(DefaultStart)
    {
    }

    public SteppableTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>The wall clock in ms since the Unix epoch, without side effects.</summary>
    public ulong WallMilliseconds => (ulong)(base.GetUtcNow() + _wallOffset).ToUnixTimeMilliseconds();

    /// <summary>Steps only the wall clock, forwards or backwards.</summary>
    public void StepWallClock(TimeSpan delta) => _wallOffset += delta;

    /// <summary>Simulates the reading thread being descheduled right after its next wall-clock read.</summary>
    public void PauseAfterNextWallRead(TimeSpan pause) => _pauseAfterNextWallRead = pause;

    public override DateTimeOffset GetUtcNow()
    {
        DateTimeOffset wall = base.GetUtcNow() + _wallOffset;
        if (_pauseAfterNextWallRead > TimeSpan.Zero)
        {
            TimeSpan pause = _pauseAfterNextWallRead;
            _pauseAfterNextWallRead = TimeSpan.Zero;
            Advance(pause);
        }

        return wall;
    }

    public override long GetTimestamp() => base.GetUtcNow().UtcTicks;
}
