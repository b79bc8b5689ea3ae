using System.Net;
using Solidb.Cluster.Configuration;

namespace Solidb.Cluster.Security;

/// <summary>
/// Secure by default off loopback (as CockroachDB does): a node that listens on anything but a
/// loopback address runs with mutual TLS, or is told explicitly that it may not (--insecure).
/// </summary>
public static class TransportSecurity
{
    /// <summary>
    /// True for "localhost" and loopback IP literals (127.0.0.0/8, ::1). Any other name is not
    /// loopback: it is not resolved, a name can point anywhere. 0.0.0.0 and :: listen on every interface.
    /// </summary>
    public static bool IsLoopback(string host)
    {
        var h = host.Trim().Trim('[', ']');
        return h.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip));
    }

    /// <summary>
    /// The one-line refusal for a node off loopback without TLS, or with the HTTP API turned to plain HTTP
    /// (the admin token would cross the network in clear), and without --insecure; null when it may start.
    /// </summary>
    public static string? Refusal(ClusterSettings settings) =>
        settings.Tls.Insecure || IsLoopback(settings.Host) ? null
        : !settings.Tls.Enabled
            ? $"refusing to listen on non-loopback host '{settings.Host}' without TLS: give --tls-cert, --tls-key and --tls-ca " +
              "(see docs/security.md), or --insecure to accept unauthenticated cluster and HTTP traffic"
        : settings.Tls.HttpMode == HttpsMode.Off
            ? $"refusing to serve the HTTP API over plain HTTP on non-loopback host '{settings.Host}' (--http-tls off): " +
              "the admin token would cross the network in clear; drop --http-tls off (HTTPS is the default with TLS), or give --insecure"
        : null;

    /// <summary>The start-up warning for a node that runs --insecure off loopback; null otherwise.</summary>
    public static string? InsecureWarning(ClusterSettings settings) =>
        !settings.Tls.Insecure || IsLoopback(settings.Host) ? null
        : !settings.Tls.Enabled
            ? $"running --insecure on non-loopback host '{settings.Host}': any process that reaches port {settings.Port} can join the cluster and send it messages, and traffic is not encrypted"
        : !settings.Tls.Http
            ? $"running --insecure with --http-tls off on non-loopback host '{settings.Host}': the HTTP API on port {settings.HttpPort}, and the admin token sent to it, is not encrypted"
        : null;
}
