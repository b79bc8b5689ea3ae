using Solidb.Cluster.Security;

namespace Solidb.Cluster.Configuration;

/// <summary>
/// The address a node advertises (its Akka address and HTTP URL) must be one its peers can reach:
/// a wildcard bind host (0.0.0.0, ::) is not an address, and a loopback one reaches no other machine.
/// Without these checks a container started with <c>--host 0.0.0.0</c> advertises 0.0.0.0 and
/// never joins anyone, silently.
/// </summary>
public static class AdvertisedHost
{
    /// <summary>True for the addresses that mean "every interface": 0.0.0.0 and :: (any spelling).</summary>
    public static bool IsWildcard(string host) =>
        System.Net.IPAddress.TryParse(PeerAddress.Unbracket(host.Trim()), out var ip)
        && (ip.Equals(System.Net.IPAddress.Any) || ip.Equals(System.Net.IPAddress.IPv6Any)
            || (ip.IsIPv4MappedToIPv6 && ip.MapToIPv4().Equals(System.Net.IPAddress.Any)));

    /// <summary>
    /// Why the node may not advertise <paramref name="publicHost"/> (null: it may), as one line naming the flag.
    /// <paramref name="publicHostGiven"/> is false when the public host defaulted to the bind host.
    /// </summary>
    public static string? Refusal(string host, string publicHost, bool publicHostGiven, IReadOnlyList<PeerAddress> peers)
    {
        if (!publicHostGiven && IsWildcard(host))
        {
            return $"--host '{host}' listens on every interface, which is no address peers can reach: give --public-host, " +
                   "the address or name other nodes reach this node at (solidb.node.public-host)";
        }

        if (IsWildcard(publicHost))
        {
            return $"--public-host '{publicHost}' is a wildcard address, which no peer can reach: give the address or name other nodes reach this node at";
        }

        if (TransportSecurity.IsLoopback(publicHost) && peers.FirstOrDefault(p => !TransportSecurity.IsLoopback(p.Host)) is { } remote)
        {
            return $"{(publicHostGiven ? "--public-host" : "--host")} '{publicHost}' is a loopback address but peer '{remote}' is not: " +
                   "it could never reach this node; give --public-host, the address or name other nodes reach this node at";
        }

        return null;
    }
}
