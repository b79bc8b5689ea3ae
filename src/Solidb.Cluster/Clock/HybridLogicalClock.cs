using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Solidb.Cluster.Clock;

/// <summary>
/// Hybrid logical clock (Kulkarni et al. 2014, "Logical Physical Clocks"), lock-free.
/// Every timestamp issued by one instance, from any thread, is unique and greater than every
/// timestamp the instance issued before; none is behind the physical time it read.
/// </summary>
/// <remarks>
/// State is one 64-bit word (<see cref="HlcPacking"/>): 44 bits of milliseconds, 20 logical bits.
/// The common case is a single <see cref="Interlocked.Increment(ref ulong)"/>, which never retries
/// under contention; a compare-and-swap is needed only when the wall clock (or a received
/// timestamp) has moved past the word. Each modification strictly raises the word and each caller
/// returns the value its own modification produced, so values are unique and ordered by the
/// modification order. More than 1,048,576 timestamps in one millisecond carry into the next
/// millisecond, so under such load physical time runs ahead of the wall clock until load drops.
/// </remarks>
public sealed class HybridLogicalClock
{
    /// <summary>The most timestamps one <see cref="Reserve"/> call hands out (one millisecond's worth).</summary>
    public const int MaxReserve = 1 << HlcPacking.LogicalBits;

    private readonly PhysicalClock _physical;
    private readonly ulong _maxOffsetMs;
    private PaddedWord _state;
    private long _rejectedUpdates;
    private long _maxObservedOffsetMs;

    /// <param name="time">The only source of time; use <see cref="TimeProvider.System"/> in production.</param>
    /// <param name="options">Defaults to <see cref="HlcOptions.Default"/>.</param>
    /// <param name="floor">A persisted bound (e.g. the last timestamp written before a restart);
    /// every timestamp this clock issues is greater than it, even if the wall clock is behind it.</param>
    public HybridLogicalClock(TimeProvider time, HlcOptions? options = null, HlcTimestamp? floor = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        options ??= HlcOptions.Default;
        options.Validate();
        Options = options;
        _maxOffsetMs = (ulong)(options.MaxOffset.Ticks / TimeSpan.TicksPerMillisecond);
        _physical = new PhysicalClock(time, options.CalibrationInterval);

        if (floor is { } bound)
        {
            if (bound.Physical >= HlcPacking.MaxPhysical)
            {
                throw new ArgumentOutOfRangeException(nameof(floor), bound, "Floor is beyond the clock's range (year 2527).");
            }

            _state.Value = HlcPacking.Floor(bound);
        }
    }

    public HlcOptions Options { get; }

    /// <summary>
    /// The last timestamp handed out (the floor before the first one), without advancing the clock.
    /// While another thread is mid-call it may be a value that thread skips; either way it is at least
    /// every timestamp issued so far, and every later timestamp is greater.
    /// </summary>
    public HlcTimestamp Current => HlcPacking.Unpack(Volatile.Read(ref _state.Value));

    /// <summary>Updates rejected for exceeding <see cref="HlcOptions.MaxOffset"/>.</summary>
    public long RejectedUpdates => Volatile.Read(ref _rejectedUpdates);

    /// <summary>The largest amount an accepted received timestamp was ahead of the local wall clock.</summary>
    public TimeSpan MaxObservedOffset => TimeSpan.FromMilliseconds(Volatile.Read(ref _maxObservedOffsetMs));

    /// <summary>A timestamp for a local event.</summary>
    public HlcTimestamp Now()
    {
        ulong floor = HlcPacking.FromPhysical(_physical.UtcNowMilliseconds());
        ulong next = Interlocked.Increment(ref _state.Value);
        return HlcPacking.Unpack(next >= floor ? next : RaiseTo(floor));
    }

    /// <summary>
    /// A timestamp for receiving <paramref name="received"/>: greater than it and than every
    /// timestamp this clock issued before.
    /// </summary>
    /// <exception cref="ClockSkewException"><paramref name="received"/> is more than
    /// <see cref="HlcOptions.MaxOffset"/> ahead of the local wall clock; the clock is unchanged.</exception>
    public HlcTimestamp Update(HlcTimestamp received)
    {
        ulong wallMs = _physical.UtcNowMilliseconds();
        if (received.Physical > wallMs)
        {
            ulong ahead = received.Physical - wallMs;
            if (ahead > _maxOffsetMs)
            {
                throw Reject(received, wallMs, ahead);
            }

            if ((long)ahead > Volatile.Read(ref _maxObservedOffsetMs))
            {
                RecordOffset((long)ahead);
            }
        }

        ulong floor = Math.Max(HlcPacking.FromPhysical(wallMs), HlcPacking.Successor(received));
        ulong next = Interlocked.Increment(ref _state.Value);
        return HlcPacking.Unpack(next >= floor ? next : RaiseTo(floor));
    }

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive timestamps in one atomic step, as if
    /// <see cref="Now"/> had been called that many times with nothing interleaved.
    /// </summary>
    public HlcRange Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxReserve);

        ulong floor = HlcPacking.FromPhysical(_physical.UtcNowMilliseconds());
        ulong last = Interlocked.Add(ref _state.Value, (ulong)count);
        ulong first = last - (ulong)count + 1;
        return new HlcRange(first >= floor ? first : RaiseTo(floor, count), count);
    }

    /// <summary>
    /// Slow path: the word is behind <paramref name="floor"/>. Claims [floor, floor + count) by moving
    /// the word there, or, if another thread already moved it past floor, takes the next values.
    /// The value a failed fast path added is simply skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong RaiseTo(ulong floor, int count = 1)
    {
        ulong current = Volatile.Read(ref _state.Value);
        while (current < floor)
        {
            ulong seen = Interlocked.CompareExchange(ref _state.Value, floor + (ulong)count - 1, current);
            if (seen == current)
            {
                return floor;
            }

            current = seen;
        }

        return Interlocked.Add(ref _state.Value, (ulong)count) - (ulong)count + 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ClockSkewException Reject(HlcTimestamp received, ulong wallMs, ulong aheadMs)
    {
        Interlocked.Increment(ref _rejectedUpdates);
        return new ClockSkewException(
            received,
            Current,
            wallMs,
            TimeSpan.FromMilliseconds(aheadMs),
            Options.MaxOffset);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordOffset(long aheadMs)
    {
        long current = Volatile.Read(ref _maxObservedOffsetMs);
        while (aheadMs > current)
        {
            long seen = Interlocked.CompareExchange(ref _maxObservedOffsetMs, aheadMs, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>The contended word on a cache line of its own, so writes to it do not evict the
    /// read-only fields every call reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedWord
    {
        [FieldOffset(64)]
        public ulong Value;
    }
}
