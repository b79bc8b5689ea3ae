using System.Collections.Concurrent;
using System.Net;
using Akka.Actor;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Security.Transport;

/// <summary>
/// The identities of the certificates Akka.Remote's TLS handshakes accepted, keyed by connection
/// endpoint, from the certificate validator to the transport guard. DotNetty gives the validator
/// the peer's socket endpoint (server side) or the address it dialled (client side); the guard
/// knows the same endpoint as the connection's remote address, and takes the entry at the
/// connection's first PDU (data flows only after the handshake validated the certificate).
/// Entries older than <see cref="Expiry"/> (a handshake whose connection never carried data) are dropped.
/// </summary>
public sealed class PeerCertificates(TimeProvider time)
{
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (PeerIdentity Identity, DateTimeOffset At)> _accepted = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records a validated certificate's identity for <paramref name="remotePeer"/> as DotNetty names it to the validator.</summary>
    public void Accepted(string remotePeer, PeerIdentity identity)
    {
        var now = time.GetUtcNow();
        foreach (var stale in _accepted.Where(e => now - e.Value.At > Expiry).Select(e => e.Key).ToList())
        {
            _accepted.TryRemove(stale, out _);
        }

        if (Key(remotePeer) is { } key)
        {
            _accepted[key] = (identity, now);
        }
    }

    /// <summary>Forgets an endpoint whose handshake was refused (a stale entry must not outlive it).</summary>
    public void Refused(string remotePeer)
    {
        if (Key(remotePeer) is { } key)
        {
            _accepted.TryRemove(key, out _);
        }
    }

    /// <summary>Takes the identity accepted for the connection whose remote address is <paramref name="remote"/>; null when none was.</summary>
    public PeerIdentity? Take(Address remote) =>
        remote.Host is { } host && remote.Port is { } port && _accepted.TryRemove(EndpointKey(host, port), out var entry) ? entry.Identity : null;

    public int Count => _accepted.Count;

    /// <summary>
    /// DotNetty's server side passes the socket endpoint ("127.0.0.1:5000", "[::ffff:127.0.0.1]:5000");
    /// its client side passes the Akka address it dialled ("ssl.tcp://solidb@host:5000"; "akka.ssl.tcp://..." is taken too).
    /// </summary>
    internal static string? Key(string remotePeer)
    {
        if (remotePeer.Contains("://", StringComparison.Ordinal))
        {
            // Seen from Akka 1.5.74's client side: "ssl.tcp://solidb@host:port", without the "akka."
            // that ActorPath.TryParseAddress needs (it refused it, and no outbound connection had an identity).
            var text = remotePeer.StartsWith("akka.", StringComparison.Ordinal) ? remotePeer : "akka." + remotePeer;
            return ActorPath.TryParseAddress(text, out var address) && address.Host is { } h && address.Port is { } p ? EndpointKey(h, p) : null;
        }

        return IPEndPoint.TryParse(remotePeer, out var endpoint) ? EndpointKey(endpoint.Address.ToString(), endpoint.Port) : null;
    }

    private static string EndpointKey(string host, int port)
    {
        var bare = Configuration.PeerAddress.Unbracket(host);
        if (IPAddress.TryParse(bare, out var ip))
        {
            bare = (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
        }

        return $"{bare}|{port}";
    }
}
