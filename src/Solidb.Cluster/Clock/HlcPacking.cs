namespace Solidb.Cluster.Clock;

/// <summary>
/// The clock's internal state: one 64-bit word, <c>physical &lt;&lt; 20 | logical</c>.
/// A single word lets every operation be one Interlocked step (.NET has no 96-bit CAS),
/// and adding 1 to it is exactly the HLC successor, with a logical overflow carrying into the
/// millisecond. 44 physical bits last until year 2527; 20 logical bits give 1,048,576
/// timestamps per millisecond before the carry moves physical time ahead of the wall clock.
/// Public <see cref="HlcTimestamp"/> keeps a 32-bit logical, so foreign timestamps with a larger
/// logical are still ordered correctly: see <see cref="Successor"/>.
/// </summary>
internal static class HlcPacking
{
    public const int LogicalBits = 20;
    public const ulong LogicalMask = (1UL << LogicalBits) - 1;

    /// <summary>Largest representable physical time, 2527-06-23T06:20:44.415Z.</summary>
    public const ulong MaxPhysical = (1UL << (64 - LogicalBits)) - 1;

    public static ulong FromPhysical(ulong physicalMs) => physicalMs << LogicalBits;

    public static HlcTimestamp Unpack(ulong packed) => new(packed >> LogicalBits, (uint)(packed & LogicalMask));

    /// <summary>
    /// The smallest packed value strictly greater than <paramref name="t"/>. A logical part the
    /// packing cannot hold is beaten by moving to the next millisecond. Needs
    /// <c>t.Physical &lt; MaxPhysical</c>.
    /// </summary>
    public static ulong Successor(HlcTimestamp t) =>
        t.Logical < LogicalMask
            ? FromPhysical(t.Physical) | (t.Logical + 1UL)
            : FromPhysical(t.Physical + 1);

    /// <summary>
    /// The largest packed value not greater than <paramref name="t"/>, so that its successor
    /// (the next value a clock issues) is greater than <paramref name="t"/>.
    /// </summary>
    public static ulong Floor(HlcTimestamp t) =>
        FromPhysical(t.Physical) | Math.Min(t.Logical, LogicalMask);
}
