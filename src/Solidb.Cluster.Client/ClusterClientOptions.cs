namespace Solidb.Cluster.Client;

/// <summary>Options of <see cref="Http.ClusterHttpClient"/>.</summary>
public sealed record ClusterClientOptions
{
    /// <summary>How long one request may take, connecting included (default 5 s). Ignored for a caller's own HttpClient.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// For <c>https</c> nodes whose certificates come from a private CA (<c>solidb-certs</c>): the CA certificate(s), PEM.
    /// The server's chain must end at one of them (the system store plays no part); null: the system's trust store.
    /// Ignored for a caller's own HttpClient.
    /// </summary>
    public string? CaCertificateFile { get; init; }

    /// <summary>
    /// The node's admin token, sent as <c>Authorization: Bearer</c> on every request: a node started with
    /// <c>solidb.http.require-token-for-reads = on</c> answers reads only with it. Null: no header.
    /// Ignored for a caller's own HttpClient (set its default headers instead).
    /// </summary>
    public string? BearerToken { get; init; }

    /// <summary>The time certificates are checked against (default the system's).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
