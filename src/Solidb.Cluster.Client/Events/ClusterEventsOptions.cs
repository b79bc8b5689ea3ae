namespace Solidb.Cluster.Client.Events;

/// <summary>Options of <see cref="ClusterEventsClient"/>; the defaults suit a service watching its cluster.</summary>
public sealed record ClusterEventsOptions
{
    /// <summary>Only these event types (<c>?types=</c>; snapshot and reset always come); null or empty: all.</summary>
    public IReadOnlyCollection<string>? Types { get; init; }

    /// <summary>Resume the first node's stream after this seq (your own bookkeeping); null: start from a snapshot.</summary>
    public long? Since { get; init; }

    /// <summary>The incarnation <see cref="Since"/> belongs to; null: the node's current one.</summary>
    public long? Incarnation { get; init; }

    /// <summary>
    /// For <c>https</c>/<c>wss</c> nodes whose certificates come from a private CA (<c>solidb-certs</c>): the CA
    /// certificate(s), PEM; the server's chain must end at one of them. Null: the system's trust store.
    /// </summary>
    public string? CaCertificateFile { get; init; }

    /// <summary>
    /// The node's admin token, sent as <c>Authorization: Bearer</c> with each upgrade request: a node started with
    /// <c>solidb.http.require-token-for-reads = on</c> streams only with it. Null: no header.
    /// </summary>
    public string? BearerToken { get; init; }

    /// <summary>How long opening one connection may take (default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// WebSocket ping interval (default 10 s, the node's too) and how long a pong may take before the connection is
    /// given up as dead (default 10 s): a node that vanished without closing is noticed within their sum.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A frame larger than this is refused (the connection is closed and re-opened); default 4 MiB.</summary>
    public int MaxFrameBytes { get; init; } = 4 << 20;

    /// <summary>The first reconnect delay's bound (default 200 ms), doubling per failed attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The cap of the reconnect delay (default 10 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The backoff's jitter source (default <see cref="Random.Shared"/>).</summary>
    public Random? Random { get; init; }

    /// <summary>Delays and certificate checks take time from here (default the system's).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Called with one line each time the watch has to recover: a connection lost or refused, a node given up for the
    /// next, a bad frame dropped. The watch itself never throws for these. Called on the watch's own flow; keep it short.
    /// </summary>
    public Action<string>? OnProblem { get; init; }
}
