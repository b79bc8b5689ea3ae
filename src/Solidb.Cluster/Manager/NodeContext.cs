using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Manager;

/// <summary>Everything a node's actors share for one run: settings, identity, time, clock, counters.</summary>
public sealed class NodeContext
{
    private NodeContext(ClusterSettings settings, NodeIdentity identity, TimeProvider time, ClockBoundFile bound, IVoteStore votes)
    {
        VoteStore = votes;
        Settings = settings;
        Identity = identity;
        Time = time;
        StartedAt = time.GetUtcNow();
        BoundFile = bound;
        Counters = new NodeCounters(time);
        var options = new HlcOptions { MaxOffset = settings.Clock.MaxOffset };
        var clock = new HybridLogicalClock(time, options, bound.Load());
        Gate = new ClockGate(clock, time, Counters);
    }

    public static string ModuleVersion { get; } =
        typeof(NodeContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public ClusterSettings Settings { get; }
    public NodeIdentity Identity { get; }
    public TimeProvider Time { get; }
    public DateTimeOffset StartedAt { get; }
    public NodeCounters Counters { get; }
    public ClockGate Gate { get; }
    public HybridLogicalClock Clock => Gate.Clock;
    public ClockBoundFile BoundFile { get; }
    public IVoteStore VoteStore { get; }

    /// <summary>
    /// This incarnation replaces one the cluster removed: it may only join an existing cluster,
    /// never form a new one (so an isolated node cannot become a second cluster with a leader).
    /// </summary>
    public bool RejoinOnly { get; private init; }

    public NodeId NodeId => Identity.NodeId;
    public string Address => Settings.Self.ToString();
    public string HttpAddress => $"{(Settings.Tls.Http ? "https" : "http")}://{new PeerAddress(Settings.PublicHost, Settings.HttpPort)}";

    /// <summary>
    /// Builds the context of a node whose data dir is open: the clock starts above the bound the
    /// previous run persisted, and a fresh bound is persisted before anything is issued.
    /// </summary>
    public static NodeContext Create(ClusterSettings settings, DataDirectory dataDir, TimeProvider time, bool rejoinOnly = false)
    {
        var votes = VoteFile.In(dataDir.Path);
        votes.Load(); // a corrupt vote file stops start-up here, with its name, not later in an actor
        var context = new NodeContext(settings, dataDir.Identity, time, ClockBoundFile.In(dataDir.Path), votes) { RejoinOnly = rejoinOnly };
        context.PersistClockBound();
        return context;
    }

    /// <summary>
    /// How long to wait before <see cref="Create"/> so the clock starts at the wall clock, not
    /// ahead of it: after a quick restart the persisted bound lies up to 2 persist intervals +
    /// the max offset in the future, and timestamps that far ahead would be rejected by every
    /// other node (as CockroachDB does, we wait the gap out). Capped: a bound further ahead means
    /// the wall clock went back, and then the clock starts above the bound at once.
    /// </summary>
    public static TimeSpan ClockStartDelay(ClusterSettings settings, DataDirectory dataDir, TimeProvider time)
    {
        var bound = ClockBoundFile.In(dataDir.Path).Load();
        if (bound is null)
        {
            return TimeSpan.Zero;
        }

        var ahead = TimeSpan.FromMilliseconds((double)bound.Value.Physical - time.GetUtcNow().ToUnixTimeMilliseconds());
        var cap = 2 * settings.Clock.PersistInterval + settings.Clock.MaxOffset;
        return ahead <= TimeSpan.Zero || ahead > cap ? TimeSpan.Zero : ahead;
    }

    /// <summary>Writes the clock's upper bound for the next persist interval.</summary>
    public HlcTimestamp PersistClockBound()
    {
        var bound = ClockBoundFile.BoundFor(Clock.Current, Time.GetUtcNow(), Settings.Clock.PersistInterval, Settings.Clock.MaxOffset);
        BoundFile.Save(bound);
        return bound;
    }
}
