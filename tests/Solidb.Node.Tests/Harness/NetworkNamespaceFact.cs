using Xunit;

namespace Solidb.Node.Tests.Harness;

/// <summary>A fact that needs a <see cref="NetworkLab"/> (root and iproute2 on Linux); skipped with the reason otherwise.</summary>
public class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute()
    {
        if (NetworkLab.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// A network-namespace fact that runs only in a long run: <c>SOLIDB_PARTITION_SECONDS=S</c> (at
/// least 600) holds the cut for S seconds; unset, the test is skipped.
/// </summary>
public sealed class LongPartitionFactAttribute : NetworkNamespaceFactAttribute
{
    public const string Variable = "SOLIDB_PARTITION_SECONDS";
    public const int MinimumSeconds = 600;

    public LongPartitionFactAttribute()
    {
        if (Skip is null && Seconds is null)
        {
            Skip = $"a long run: set {Variable}={MinimumSeconds} (or more) to hold the cut that many seconds";
        }
    }

    /// <summary>The cut's length from the variable, at least <see cref="MinimumSeconds"/>; null when unset.</summary>
    public static int? Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out var s) ? Math.Max(s, MinimumSeconds) : null;
}
