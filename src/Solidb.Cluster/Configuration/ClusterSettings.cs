using Akka.Configuration;
using Microsoft.Extensions.Logging;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Configuration;

/// <summary>
/// The node's settings, parsed once from the layered HOCON (<see cref="SolidbConfig"/>) and
/// validated as a whole. Immutable; change a copy with <c>with</c>.
/// </summary>
public sealed record ClusterSettings
{
    public const string Root = "solidb";

    /// <summary>Null: generate an id on first start and persist it in the data dir.</summary>
    public NodeId? NodeId { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    public string PublicHost { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 6745;
    public int HttpPort { get; init; } = 6746;
    public string DataDir { get; init; } = "./data";
    public IReadOnlyList<PeerAddress> Peers { get; init; } = [];
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    public BootstrapSettings Bootstrap { get; init; } = new();
    public HealthSettings Health { get; init; } = new();
    public ElectionSettings Election { get; init; } = new();
    public ClockSettings Clock { get; init; } = new();
    public TlsSettings Tls { get; init; } = new();
    public RestartSettings Restart { get; init; } = new();
    public EventsSettings Events { get; init; } = new();
    public HttpSettings Http { get; init; } = new();

    /// <summary>The address other nodes use for this node.</summary>
    public PeerAddress Self => new(PublicHost, Port);

    public static ClusterSettings FromConfig(Config config)
    {
        var r = new ConfigReader(config, Root);
        var host = PeerAddress.Unbracket(r.String("node.host").Trim());
        if (PeerAddress.HostError(host) is { } hostError)
        {
            throw SettingsException.Invalid(r.Key("node.host"), host, hostError);
        }

        // The advertised host goes into the node's Akka address and its HTTP URL: one that cannot be part of either is refused here.
        var publicHost = PeerAddress.Unbracket(r.String("node.public-host").Trim());
        if (publicHost.Length > 0 && PeerAddress.HostError(publicHost) is { } publicError)
        {
            throw SettingsException.Invalid(r.Key("node.public-host"), publicHost, publicError);
        }
        var idText = r.String("node.id").Trim();
        NodeId? id = null;
        if (idText.Length > 0)
        {
            id = Membership.NodeId.TryParse(idText, out var parsed, out var idError)
                ? parsed
                : throw SettingsException.Invalid(r.Key("node.id"), idText, idError);
        }

        if (!PeerAddress.TryParseList(r.StringOrList("node.cluster-peers"), out var peers, out var peerError))
        {
            throw SettingsException.Invalid(r.Key("node.cluster-peers"), peerError);
        }

        var dataDir = r.String("node.data-dir");
        if (string.IsNullOrWhiteSpace(dataDir))
        {
            throw SettingsException.Invalid(r.Key("node.data-dir"), dataDir, "must not be empty");
        }

        if (dataDir.Any(char.IsControl))
        {
            // A NUL cannot be in a path at all, and a line break in one is an accident.
            throw SettingsException.Invalid(r.Key("node.data-dir"), dataDir, "must not contain control characters");
        }

        var settings = new ClusterSettings
        {
            NodeId = id,
            Host = host,
            PublicHost = publicHost.Length == 0 ? host : publicHost,
            Port = r.Int("node.port", 1, 65535),
            HttpPort = r.Int("node.http-port", 1, 65535),
            DataDir = dataDir,
            Peers = peers,
            LogLevel = ParseLogLevel(r),
            Bootstrap = BootstrapSettings.From(r),
            Health = HealthSettings.From(r),
            Election = ElectionSettings.From(r),
            Clock = ClockSettings.From(r),
            Tls = TlsSettings.From(r, host),
            Restart = RestartSettings.From(r),
            Events = EventsSettings.From(r),
            Http = HttpSettings.From(r),
        };

        if (settings.Election.TimeoutMin <= 2 * settings.Health.HeartbeatInterval)
        {
            // The leader is heard only through its heartbeats: a shorter timeout elects anew on every jitter.
            throw SettingsException.Invalid(r.Key("election.timeout-min"), settings.Election.TimeoutMin,
                $"must exceed 2 heartbeat intervals (solidb.health.heartbeat-interval = {settings.Health.HeartbeatInterval.TotalMilliseconds}ms)");
        }

        if (settings.Port == settings.HttpPort)
        {
            throw SettingsException.Invalid(r.Key("node.http-port"), settings.HttpPort, "must differ from solidb.node.port");
        }

        if (Security.TransportSecurity.Refusal(settings) is { } refusal)
        {
            throw new SettingsException(refusal);
        }

        return AdvertisedHost.Refusal(host, settings.PublicHost, publicHost.Length > 0, peers) is { } unreachable
            ? throw new SettingsException(unreachable)
            : settings;
    }

    /// <summary>Self and every peer, sorted by (host, port): the deterministic seed order.</summary>
    public IReadOnlyList<PeerAddress> SeedOrder() => Peers.Append(Self).Distinct().Order().ToList();

    private static LogLevel ParseLogLevel(ConfigReader r)
    {
        var text = r.String("log-level").Trim();
        return text.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => throw SettingsException.Invalid(r.Key("log-level"), text, "expected trace, debug, info, warning or error"),
        };
    }
}
