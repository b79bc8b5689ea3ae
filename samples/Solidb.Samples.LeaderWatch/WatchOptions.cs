using Solidb.Cluster.Client.Akka;

namespace Solidb.Samples.LeaderWatch;

public sealed record TlsFiles(string Cert, string Key, string Ca);

/// <summary>The sample's command line; every mistake is a <see cref="FormatException"/> with one line saying what.</summary>
public sealed record WatchOptions(IReadOnlyList<ContactPoint> ContactPoints, TlsFiles? Tls)
{
    public static WatchOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (args[i], null);
            if (name is not ("--contact-points" or "--tls-cert" or "--tls-key" or "--tls-ca"))
            {
                throw new FormatException($"unknown argument '{args[i]}' (usage: --contact-points HOST:PORT,... [--tls-cert F --tls-key F --tls-ca F])");
            }

            value ??= i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value");
            if (!values.TryAdd(name, value))
            {
                throw new FormatException($"{name} is given twice");
            }
        }

        if (!values.TryGetValue("--contact-points", out var points))
        {
            throw new FormatException("--contact-points HOST:PORT,... is required (the nodes' Akka ports, e.g. 127.0.0.1:6745)");
        }

        ContactPoint[] parsed;
        try
        {
            parsed = [.. ContactPoint.ParseList(points)];
        }
        catch (FormatException e)
        {
            throw new FormatException($"invalid value for --contact-points: {e.Message}");
        }

        var tls = new[] { "--tls-cert", "--tls-key", "--tls-ca" }.Select(values.GetValueOrDefault).ToArray();
        return tls.All(t => t is null) ? new WatchOptions(parsed, null)
            : tls.All(t => t is not null) ? new WatchOptions(parsed, new TlsFiles(tls[0]!, tls[1]!, tls[2]!))
            : throw new FormatException("--tls-cert, --tls-key and --tls-ca go together");
    }
}
