namespace Solidb.Cluster.Election;

/// <summary>
/// Strict-majority arithmetic, in one place. Each caller names its denominator: the configured
/// nodes when forming a cluster (<c>FormationVote</c>), the election's quorum size when counting
/// votes and acknowledgements (<see cref="ElectionState.QuorumSize"/>), the members or voters of
/// the current view for downing and isolation (docs/election.md says which is used where).
/// </summary>
public static class Majority
{
    /// <summary>The smallest count that is a strict majority of <paramref name="n"/>: n/2 + 1 (1 for n = 0).</summary>
    public static int Of(int n) => n / 2 + 1;

    /// <summary>True when <paramref name="count"/> is a strict majority of <paramref name="of"/> (count * 2 &gt; of).</summary>
    public static bool Reached(int count, int of) => count >= Of(of);

    /// <summary>How many of <paramref name="n"/> may fail with a strict majority of them left: (n - 1) / 2, 0 for n &lt;= 1.</summary>
    public static int Tolerance(int n) => Math.Max(0, n - Of(n));
}
