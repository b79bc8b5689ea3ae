using Solidb.Cluster.Clock;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Security;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Manager;

/// <summary>Everything a node's actors share for one run: settings, identity, time, clock, counters.</summary>
public sealed class NodeContext
{
    private NodeContext(ClusterSettings settings, NodeIdentity identity, TimeProvider time, ClockBoundFile bound, IVoteStore votes, StorageHealth storage)
    {
        Storage = storage;
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
        _members = MemberDirectory.Initial(identity.NodeId, settings.Self.ToString());
        _clockStatus = ClockStatus.Initial(settings.Clock.MaxOffset, ClockSync.SettledAtStart(settings.SeedOrder().Count));
        WallOffsets = new WallClockOffsets(time, WallOffsetFreshness(settings));
        Clock = new IssuingClock(clock, () => ClockStatus);
        Events = new Events.EventHub(identity.Incarnation, settings.Events);
        Metrics = new Metrics.ClusterMetrics(this);
    }

    private MemberDirectory _members;
    private ClockStatus _clockStatus;

    public static string ModuleVersion { get; } =
        typeof(NodeContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public ClusterSettings Settings { get; }
    public NodeIdentity Identity { get; }
    public TimeProvider Time { get; }

    /// <summary>A new source of randomness for one actor (injected like <see cref="Time"/>, so a test can seed it; Random is not thread-safe, hence one each).</summary>
    public Func<Random> NewRandom { get; private init; } = () => new Random();
    public DateTimeOffset StartedAt { get; }
    public NodeCounters Counters { get; }
    public ClockGate Gate { get; }
    /// <summary>The HLC for other services: issues nothing while this node's clock is out of sync (<see cref="IssuingClock"/>).</summary>
    public IssuingClock Clock { get; }
    public ClockBoundFile BoundFile { get; }

    /// <summary>Each peer's wall-clock offset to this node, from round trips (heartbeats, formation queries).</summary>
    public WallClockOffsets WallOffsets { get; }

    /// <summary>
    /// Whether this node's wall clock agrees with the majority; the coordinator replaces it once per
    /// heartbeat interval and every actor reads the latest.
    /// </summary>
    public ClockStatus ClockStatus
    {
        get => Volatile.Read(ref _clockStatus);
        internal set => Volatile.Write(ref _clockStatus, value);
    }

    /// <summary>This node's wall clock, in Unix milliseconds: what wire messages carry for offset estimates.</summary>
    public long WallMs() => Time.GetUtcNow().ToUnixTimeMilliseconds();
    public IVoteStore VoteStore { get; }

    /// <summary>This node's formation promise (<c>DATA/formation</c>), read and written by the bootstrap actor.</summary>
    public Bootstrap.IFormationPromiseStore FormationStore { get; private init; } = null!;

    /// <summary>Data-dir files this node cannot persist right now (readiness reports them).</summary>
    public StorageHealth Storage { get; }

    /// <summary>The last clock bound written successfully.</summary>
    public HlcTimestamp? PersistedBound { get; private set; }

    /// <summary>
    /// The members by address, for checking who sent a wire message (<see cref="Inbound"/>). The
    /// supervisor replaces it with every membership snapshot; every actor reads the latest.
    /// </summary>
    public MemberDirectory Members
    {
        get => Volatile.Read(ref _members);
        internal set => Volatile.Write(ref _members, value);
    }

    /// <summary>
    /// This incarnation replaces one the cluster removed: it may only join an existing cluster,
    /// never form a new one (so an isolated node cannot become a second cluster with a leader).
    /// </summary>
    public bool RejoinOnly { get; private init; }

    /// <summary>The supervisor's latest view, for status readers on other threads (no ask per request).</summary>
    public StatusBoard Board { get; } = new();

    /// <summary>This incarnation's event stream (log and subscribers), and where actors other than the supervisor report events.</summary>
    public Events.EventHub Events { get; }

    /// <summary>This incarnation's instruments (meter <c>Solidb.Cluster</c>), disposed when its actor system terminates.</summary>
    public Metrics.ClusterMetrics Metrics { get; }

    /// <summary>The restarts of this process before this incarnation (the host's <see cref="RestartBudget"/>), for the status.</summary>
    public RestartHistory Restarts { get; private init; } = RestartHistory.None;

    public NodeId NodeId => Identity.NodeId;
    public string Address => Settings.Self.ToString();
    public string HttpAddress => $"{(Settings.Tls.Http ? "https" : "http")}://{new PeerAddress(Settings.PublicHost, Settings.HttpPort)}";

    /// <summary>Readings older than 5 heartbeat intervals (at least 2 s) do not count: a silent peer has no offset.</summary>
    private static TimeSpan WallOffsetFreshness(ClusterSettings settings) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(2).Ticks, 5 * settings.Health.HeartbeatInterval.Ticks));

    /// <summary>
    /// Builds the context of a node whose data dir is open: the clock starts above the bound the
    /// previous run persisted, and a fresh bound is persisted before anything is issued.
    /// </summary>
    /// <param name="random">Makes each actor's source of randomness (election timeouts, formation turns, probe helpers); default: unseeded.</param>
    public static NodeContext Create(ClusterSettings settings, DataDirectory dataDir, TimeProvider time, bool rejoinOnly = false,
        RestartHistory? restarts = null, Func<Random>? random = null)
    {
        var storage = new StorageHealth();
        var votes = VoteFile.In(dataDir.Path, storage);
        votes.Load(); // a corrupt vote file stops start-up here, with its name, not later in an actor
        var formation = Bootstrap.FormationPromiseFile.In(dataDir.Path, storage);
        formation.Load(); // likewise a corrupt formation promise
        var context = new NodeContext(settings, dataDir.Identity, time, ClockBoundFile.In(dataDir.Path), votes, storage)
        {
            RejoinOnly = rejoinOnly, Restarts = restarts ?? RestartHistory.None, FormationStore = formation,
            NewRandom = random ?? (() => new Random()),
        };
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

    /// <summary>Writes the clock's upper bound for the next persist interval; throws <see cref="DataDirectoryException"/> when it cannot.</summary>
    public HlcTimestamp PersistClockBound()
    {
        var bound = ClockBoundFile.BoundFor(Gate.Clock.Current, Time.GetUtcNow(), Settings.Clock.PersistInterval, Settings.Clock.MaxOffset);
        BoundFile.Save(bound);
        PersistedBound = bound;
        return bound;
    }

    /// <summary>
    /// The clock actor's periodic write: never throws. Returns a line to log when the write starts
    /// failing (or fails for a new reason) and when it succeeds again, null otherwise.
    /// </summary>
    /// <remarks>
    /// While the bound cannot be written the node keeps issuing timestamps and reports itself not
    /// ready (<see cref="Storage"/>). Capping the clock at the last written bound instead would
    /// make every caller of the lock-free <c>Now()</c> block or fail, heartbeats included, turning a
    /// local disk problem into a node the cluster sees as failed. The risk taken is narrow:
    /// timestamps past the last written bound repeat only if the node restarts AND its wall clock
    /// was set back meanwhile, and a restart on a disk that still fails stops at start-up (the
    /// bound is written before anything is issued).
    /// </remarks>
    public string? TryPersistClockBound()
    {
        try
        {
            PersistClockBound();
            return Storage.Succeeded(BoundFile.Path) ? $"Clock bound persisted again to '{BoundFile.Path}'" : null;
        }
        catch (DataDirectoryException e)
        {
            return Storage.Failed(BoundFile.Path, e.Message)
                ? $"{e.Message}; the node reports not ready until a write succeeds (timestamps past {PersistedBound?.ToString() ?? "the last written bound"} are not protected against a wall clock set back across a restart)"
                : null;
        }
    }
}
