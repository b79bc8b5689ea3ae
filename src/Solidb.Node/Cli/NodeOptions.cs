namespace Solidb.Node.Cli;

/// <summary>One setting a user can give as a flag or an environment variable, and its HOCON key.</summary>
/// <param name="IsSwitch">A flag without a value (<c>--insecure</c>, or <c>--insecure=false</c>); it stands for "true".</param>
public sealed record NodeOption(string Flag, string EnvironmentVariable, string? ConfigKey, string ValueName, string Help, bool IsSwitch = false);

/// <summary>The flags of <c>solidb</c>; each maps to one key of hocon/solidb.conf.</summary>
public static class NodeOptions
{
    public static readonly NodeOption NodeId = new("--node-id", "SOLIDB_NODE_ID", "solidb.node.id", "ID",
        "Stable node id: 1-64 letters, digits, '.', '_', '-'. Default: generated once, kept in the data dir.");
    public static readonly NodeOption ClusterPeers = new("--cluster-peers", "SOLIDB_CLUSTER_PEERS", "solidb.node.cluster-peers", "LIST",
        "Peers to join, \"host:port,host:port\" (their --port). None: form a cluster alone and lead it.");
    public static readonly NodeOption Host = new("--host", "SOLIDB_HOST", "solidb.node.host", "ADDR",
        "Bind address for Akka.Remote and HTTP. Default 127.0.0.1.");
    public static readonly NodeOption PublicHost = new("--public-host", "SOLIDB_PUBLIC_HOST", "solidb.node.public-host", "ADDR",
        "Address other nodes use to reach this one. Default: the bind host.");
    public static readonly NodeOption Port = new("--port", "SOLIDB_PORT", "solidb.node.port", "PORT",
        "Akka.Remote port, the port peers name. Default 6745.");
    public static readonly NodeOption HttpPort = new("--http-port", "SOLIDB_HTTP_PORT", "solidb.node.http-port", "PORT",
        "HTTP API port, bound on --host. Default 6746.");
    public static readonly NodeOption DataDir = new("--data-dir", "SOLIDB_DATA_DIR", "solidb.node.data-dir", "DIR",
        "Data directory (node id, incarnation, clock bound, votes); locked while running. Default ./data.");
    public static readonly NodeOption Config = new("--config", "SOLIDB_CONFIG", null, "FILE",
        "HOCON file layered over the embedded reference (hocon/solidb.conf).");
    public static readonly NodeOption LogLevel = new("--log-level", "SOLIDB_LOG_LEVEL", "solidb.log-level", "LEVEL",
        "trace, debug, info, warning or error. Default info.");

    public static readonly NodeOption TlsCert = new("--tls-cert", "SOLIDB_TLS_CERT", "solidb.tls.cert-file", "FILE",
        "This node's TLS certificate (PEM); with --tls-key and --tls-ca turns on mutual TLS between nodes. Default: off.");
    public static readonly NodeOption TlsKey = new("--tls-key", "SOLIDB_TLS_KEY", "solidb.tls.key-file", "FILE",
        "The private key of --tls-cert (PEM).");
    public static readonly NodeOption TlsCa = new("--tls-ca", "SOLIDB_TLS_CA", "solidb.tls.ca-file", "FILE",
        "CA certificate(s) (PEM) every peer's certificate must chain to; the only trust roots.");
    public static readonly NodeOption HttpTls = new("--http-tls", "SOLIDB_HTTP_TLS", "solidb.tls.http", "on|off|auto",
        "Serve the HTTP API over HTTPS with --tls-cert. Default auto: HTTPS off loopback when TLS is on, else plain HTTP; off on a non-loopback --host needs --insecure.");
    public static readonly NodeOption Insecure = new("--insecure", "SOLIDB_INSECURE", "solidb.tls.insecure", "",
        "Allow a non-loopback --host without TLS (unauthenticated cluster and HTTP traffic).", IsSwitch: true);

    public static readonly NodeOption AdminTokenFile = new("--admin-token-file", "SOLIDB_ADMIN_TOKEN_FILE", "solidb.http.admin-token-file", "FILE",
        "The admin endpoints' bearer token (content trimmed, at least 32 characters); the same file on every node. Default: generated once into DATA/admin-token (mode 0600).");

    public static IReadOnlyList<NodeOption> All { get; } =
        [NodeId, ClusterPeers, Host, PublicHost, Port, HttpPort, DataDir, Config, LogLevel, TlsCert, TlsKey, TlsCa, HttpTls, Insecure, AdminTokenFile];
}
