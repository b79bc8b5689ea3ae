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

        if (host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@' or ','))
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
