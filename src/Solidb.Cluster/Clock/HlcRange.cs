using System.Collections;

namespace Solidb.Cluster.Clock;

/// <summary>
/// A block of consecutive timestamps handed out by one <see cref="HybridLogicalClock.Reserve"/> call.
/// "Consecutive" is in the clock's packed order: the logical part counts up and, past the packing's
/// logical capacity, carries into the next millisecond.
/// </summary>
public readonly struct HlcRange : IReadOnlyList<HlcTimestamp>, IEquatable<HlcRange>
{
    private readonly ulong _first;

    internal HlcRange(ulong firstPacked, int count)
    {
        _first = firstPacked;
        Count = count;
    }

    public int Count { get; }

    public HlcTimestamp First => Count > 0 ? HlcPacking.Unpack(_first) : throw Empty();

    public HlcTimestamp Last => Count > 0 ? HlcPacking.Unpack(_first + (ulong)Count - 1) : throw Empty();

    public HlcTimestamp this[int index] =>
        (uint)index < (uint)Count
            ? HlcPacking.Unpack(_first + (ulong)index)
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"The range holds {Count} timestamps.");

    public bool Contains(HlcTimestamp timestamp) =>
        Count > 0 && timestamp >= First && timestamp <= Last && timestamp.Logical <= HlcPacking.LogicalMask;

    public Enumerator GetEnumerator() => new(_first, Count);

    IEnumerator<HlcTimestamp> IEnumerable<HlcTimestamp>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(HlcRange other) => _first == other._first && Count == other.Count;

    public override bool Equals(object? obj) => obj is HlcRange other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_first, Count);

    public static bool operator ==(HlcRange left, HlcRange right) => left.Equals(right);

    public static bool operator !=(HlcRange left, HlcRange right) => !left.Equals(right);

    public override string ToString() => Count > 0 ? $"[{First}..{Last}] ({Count})" : "[] (0)";

    private static InvalidOperationException Empty() => new("The range is empty.");

    public struct Enumerator : IEnumerator<HlcTimestamp>
    {
        private readonly ulong _first;
        private readonly ulong _end;
        private ulong _next;

        internal Enumerator(ulong first, int count)
        {
            _first = first;
            _end = first + (ulong)count;
            _next = first;
            Current = default;
        }

        public HlcTimestamp Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_next == _end)
            {
                return false;
            }

            Current = HlcPacking.Unpack(_next++);
            return true;
        }

        public void Reset()
        {
            _next = _first;
            Current = default;
        }

        public readonly void Dispose()
        {
        }
    }
}
