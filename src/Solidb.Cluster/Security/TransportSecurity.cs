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

    /// <summary>The one-line refusal for a node off loopback without TLS and without --insecure; null when it may start.</summary>
    public static string? Refusal(ClusterSettings settings) =>
        settings.Tls.Enabled || settings.Tls.Insecure || IsLoopback(settings.Host)
            ? null
            : $"refusing to listen on non-loopback host '{settings.Host}' without TLS: give --tls-cert, --tls-key and --tls-ca " +
              "(see docs/security.md), or --insecure to accept unauthenticated cluster and HTTP traffic";

    /// <summary>The start-up warning for a node that runs --insecure off loopback; null otherwise.</summary>
    public static string? InsecureWarning(ClusterSettings settings) =>
        !settings.Tls.Enabled && settings.Tls.Insecure && !IsLoopback(settings.Host)
            ? $"running --insecure on non-loopback host '{settings.Host}': any process that reaches port {settings.Port} can join the cluster and send it messages, and traffic is not encrypted"
            : null;
}
