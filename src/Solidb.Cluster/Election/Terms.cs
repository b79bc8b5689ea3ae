namespace Solidb.Cluster.Election;

/// <summary>
/// The range of election terms. Terms grow by one per election, so 2^62 is never reached by an
/// honest cluster (one election a millisecond for 146 million years); a term at or above it is
/// forged or corrupt and is refused wherever a term enters (the wire, the vote file), which keeps
/// every <c>term + 1</c> far from overflow.
/// </summary>
public static class Terms
{
    public const long Max = 1L << 62;

    public static bool IsValid(long term) => term is >= 0 and < Max;
}
