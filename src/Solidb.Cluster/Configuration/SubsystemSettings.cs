namespace Solidb.Cluster.Configuration;

/// <summary>solidb.bootstrap: how a node finds or forms its cluster.</summary>
public sealed record BootstrapSettings
{
    public TimeSpan SeedNodeTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryJoinInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a formation promise binds its voter (Bootstrap.FormationVote); above 2 query intervals.</summary>
    public TimeSpan FormationLease { get; init; } = TimeSpan.FromSeconds(10);

    internal static BootstrapSettings From(ConfigReader r) => new()
    {
        FormationLease = r.Duration("bootstrap.formation-lease", TimeSpan.FromMilliseconds(1001), TimeSpan.FromMinutes(5)),
        SeedNodeTimeout = r.Duration("bootstrap.seed-node-timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
        RetryJoinInterval = r.Duration("bootstrap.retry-join-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
    };
}

/// <summary>solidb.health: the heartbeat and failure-detection policy.</summary>
public sealed record HealthSettings
{
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
    public int SuspicionThreshold { get; init; } = 2;
    public int FailureThreshold { get; init; } = 5;
    public int MonitoredPeers { get; init; } = 5;
    public int IndirectProbes { get; init; } = 3;

    internal static HealthSettings From(ConfigReader r)
    {
        var settings = new HealthSettings
        {
            HeartbeatInterval = r.Duration("health.heartbeat-interval", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
            SuspicionThreshold = r.Int("health.suspicion-threshold", 1, 100),
            FailureThreshold = r.Int("health.failure-threshold", 1, 100),
            MonitoredPeers = r.Int("health.monitored-peers", 1, 1000),
            IndirectProbes = r.Int("health.indirect-probes", 0, 100),
        };
        return settings.FailureThreshold <= settings.SuspicionThreshold
            ? throw SettingsException.Invalid(r.Key("health.failure-threshold"), settings.FailureThreshold,
                $"must be greater than solidb.health.suspicion-threshold ({settings.SuspicionThreshold})")
            : settings;
    }
}

/// <summary>solidb.election: randomized election timeouts.</summary>
public sealed record ElectionSettings
{
    public TimeSpan TimeoutMin { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan TimeoutMax { get; init; } = TimeSpan.FromMilliseconds(4500);
    public TimeSpan RejoinAfter { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A leader that leaves gracefully first hands leadership to a live voter (solidb.election.transfer-on-leave).</summary>
    public bool TransferOnLeave { get; init; } = true;

    internal static ElectionSettings From(ConfigReader r)
    {
        var settings = new ElectionSettings
        {
            TimeoutMin = r.Duration("election.timeout-min", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5)),
            TimeoutMax = r.Duration("election.timeout-max", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5)),
            RejoinAfter = r.Duration("election.rejoin-after", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            JoinTimeout = r.Duration("election.join-timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            TransferOnLeave = r.Bool("election.transfer-on-leave"),
        };
        return settings.TimeoutMax < settings.TimeoutMin
            ? throw SettingsException.Invalid(r.Key("election.timeout-max"), settings.TimeoutMax,
                "must not be less than solidb.election.timeout-min")
            : settings;
    }
}

/// <summary>What a node does while its wall clock is out of sync with the majority (solidb.clock.on-skew).</summary>
public enum SkewAction
{
    /// <summary>Stay up, isolated: no votes, no leadership, no timestamps, not ready; back once the clock is fixed.</summary>
    Isolate,

    /// <summary>Exit with code 3 after the skew grace, as CockroachDB does.</summary>
    Stop,
}

/// <summary>solidb.clock: Hybrid Logical Clock skew protection and persistence.</summary>
public sealed record ClockSettings
{
    public TimeSpan MaxOffset { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan PersistInterval { get; init; } = TimeSpan.FromSeconds(1);
    public SkewAction OnSkew { get; init; } = SkewAction.Isolate;
    public TimeSpan SkewGrace { get; init; } = TimeSpan.FromSeconds(30);

    internal static ClockSettings From(ConfigReader r) => new()
    {
        MaxOffset = r.Duration("clock.max-offset", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)),
        PersistInterval = r.Duration("clock.persist-interval", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
        OnSkew = r.String("clock.on-skew").Trim().ToLowerInvariant() switch
        {
            "isolate" => SkewAction.Isolate,
            "stop" => SkewAction.Stop,
            var other => throw SettingsException.Invalid(r.Key("clock.on-skew"), other, "expected isolate or stop"),
        },
        SkewGrace = r.Duration("clock.skew-grace", TimeSpan.Zero, TimeSpan.FromHours(24)),
    };
}

/// <summary>solidb.events: the event stream's buffer and its WebSocket consumers.</summary>
public sealed record EventsSettings
{
    /// <summary>Events of this incarnation kept for consumers that resume with a since.</summary>
    public int BufferSize { get; init; } = 4096;

    /// <summary>WebSocket connections to the event stream at once.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>Events queued for one WebSocket consumer before it is closed as too slow.</summary>
    public int SendQueue { get; init; } = 1024;

    /// <summary>WebSocket protocol ping interval.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(10);

    internal static EventsSettings From(ConfigReader r) => new()
    {
        BufferSize = r.Int("events.buffer-size", 1, 1_000_000),
        MaxConnections = r.Int("events.max-connections", 1, 100_000),
        SendQueue = r.Int("events.send-queue", 1, 1_000_000),
        KeepAlive = r.Duration("events.keep-alive", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
    };
}
