using Solidb.Cluster.Clock;

namespace Solidb.Benchmarks.Clock;

/// <summary>The straightforward HLC: a lock around DateTime.UtcNow and two fields. Baseline for comparison.</summary>
public sealed class LockClock
{
    private readonly object _gate = new();
    private ulong _physical;
    private uint _logical;

    public HlcTimestamp Now()
    {
        ulong wall = (ulong)(DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        lock (_gate)
        {
            if (wall > _physical)
            {
                _physical = wall;
                _logical = 0;
            }
            else
            {
                _logical++;
            }

            return new HlcTimestamp(_physical, _logical);
        }
    }
}

/// <summary>
/// The same without any synchronisation, like a generator that races on its state. Only here to show
/// that the duplicate check catches duplicates; never use it.
/// </summary>
public sealed class RacyClock
{
    private ulong _physical;
    private uint _logical;

    public HlcTimestamp Now()
    {
        ulong wall = (ulong)(DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        if (wall > _physical)
        {
            _physical = wall;
            _logical = 0;
        }
        else
        {
            _logical++;
        }

        return new HlcTimestamp(_physical, _logical);
    }
}
