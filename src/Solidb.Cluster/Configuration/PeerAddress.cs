using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Solidb.Cluster.Configuration;

/// <summary>A seed peer given as <c>host:port</c>; the port is the peer's Akka.Remote port.</summary>
public sealed record PeerAddress(string Host, int Port) : IComparable<PeerAddress>
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out PeerAddress? peer, [NotNullWhen(false)] out string? error)
    {
        peer = null;
        var entry = text?.Trim() ?? "";
        if (entry.Length == 0)
        {
            error = "empty peer entry";
            return false;
        }

        var colon = entry.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"peer '{entry}' has no port (expected host:port)";
            return false;
        }

        var host = entry[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0)
        {
            error = $"peer '{entry}' has no host (expected host:port)";
            return false;
        }

        if (HostError(host) is not null)
        {
            error = $"peer '{entry}' has an invalid host '{host}'";
            return false;
        }

        var portText = entry[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            error = $"peer '{entry}' has an invalid port '{portText}' (expected a number 1-65535)";
            return false;
        }

        if (port is < 1 or > 65535)
        {
            error = $"peer '{entry}' has port {port} out of range (1-65535)";
            return false;
        }

        peer = new PeerAddress(host, port);
        error = null;
        return true;
    }

    /// <summary>
    /// Why <paramref name="host"/> (without brackets) cannot name a machine in an address or URL, or null when it can:
    /// a DNS name, an IPv4 or an IPv6 address. Checked up front so that no address built from it throws later.
    /// </summary>
    public static string? HostError(string host) =>
        host.Length == 0 ? "must not be empty"
        : host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '@' or ',' or '[' or ']') ? "is not a host name or IP address"
        : Uri.CheckHostName(host) == UriHostNameType.Unknown ? "is not a host name or IP address"
        : null;

    /// <summary>The host as given on a command line or in HOCON, without the brackets an IPv6 address may carry.</summary>
    public static string Unbracket(string host) => host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    /// <summary>Parses a comma-separated list; rejects empty entries and duplicates.</summary>
    public static bool TryParseList(IEnumerable<string> entries, out IReadOnlyList<PeerAddress> peers, [NotNullWhen(false)] out string? error)
    {
        var result = new List<PeerAddress>();
        peers = result;
        foreach (var entry in entries)
        {
            if (!TryParse(entry, out var peer, out error))
            {
                return false;
            }

            if (result.Contains(peer))
            {
                error = $"duplicate peer '{peer}'";
                return false;
            }

            result.Add(peer);
        }

        error = null;
        return true;
    }

    public static IEnumerable<string> SplitList(string text) => text.Split(',');

    public int CompareTo(PeerAddress? other) => other is null ? 1 :
        string.CompareOrdinal(Host, other.Host) is var c and not 0 ? c : Port.CompareTo(other.Port);

    public bool Equals(PeerAddress? other) =>
        other is not null && Port == other.Port && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() => HashCode.Combine(Host.ToUpperInvariant(), Port);

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
