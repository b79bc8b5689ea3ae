using System.Globalization;
using System.Net;

namespace Solidb.Cluster.Client.Akka;

/// <summary>
/// The nodes a service first contacts: <c>host:port,host:port</c>, each a node's Akka.Remote port
/// (the port its peers name in --cluster-peers). Hosts are names or IP literals, IPv6 in brackets.
/// </summary>
public sealed record ContactPoint(string Host, int Port)
{
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>The receptionist of the node at this contact point: <c>akka.tcp://solidb@host:port/system/receptionist</c> (<c>akka.ssl.tcp</c> with TLS).</summary>
    public string ReceptionistPath(bool tls) => ReceptionistPath(tls ? "akka.ssl.tcp" : "akka.tcp");

    /// <summary>The receptionist under an explicit address protocol (with transport adapters, e.g. <c>akka.trttl.tcp</c>).</summary>
    public string ReceptionistPath(string protocol) => $"{protocol}://{RemoteApiPaths.SystemName}@{this}{RemoteApiPaths.Receptionist}";

    /// <summary>Parses a comma-separated list; a <see cref="FormatException"/> names the first bad entry in one line.</summary>
    public static IReadOnlyList<ContactPoint> ParseList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("no contact points given (expected host:port,host:port)");
        }

        var points = new List<ContactPoint>();
        foreach (var entry in text.Split(','))
        {
            var point = Parse(entry.Trim());
            if (points.Contains(point))
            {
                throw new FormatException($"contact point '{point}' is listed twice");
            }

            points.Add(point);
        }

        return points;
    }

    public static ContactPoint Parse(string entry)
    {
        if (entry.Length == 0)
        {
            throw new FormatException("empty entry in the contact point list (expected host:port,host:port)");
        }

        var colon = entry.LastIndexOf(':');
        if (colon < 0)
        {
            throw new FormatException($"contact point '{entry}' has no port (expected host:port)");
        }

        var host = entry[..colon];
        var port = entry[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw new FormatException($"contact point '{entry}' has an invalid IPv6 address '{host}'");
            }
        }
        else if (host.Contains(':'))
        {
            throw new FormatException($"contact point '{entry}': write an IPv6 address in brackets, e.g. [::1]:6745");
        }

        if (host.Length == 0)
        {
            throw new FormatException($"contact point '{entry}' has no host (expected host:port)");
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw new FormatException($"contact point '{entry}' has an invalid host '{host}'");
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new FormatException($"contact point '{entry}' has an invalid port '{port}' (expected a number 1-65535)");
        }

        return new ContactPoint(host, number);
    }
}
